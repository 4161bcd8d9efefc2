"""Django's Redis cache, keeping one client object per connection pool.

Django's client builds a new `redis.Redis` for every cache call, and each one sets up its table of
response callbacks: measurable on pages that read the session and a version or two from Redis. A
`redis.Redis` is safe to share (connections come from its pool), and Django already keeps one cache
object per thread, so one client per pool is kept and reused.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
