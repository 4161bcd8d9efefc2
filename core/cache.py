"""Django's Redis cache, where a cache that fails is a miss, never an error page.

Everything the site keeps in Redis can be read again from the database, so an unreachable or hanging
Redis must only make pages slower. Each operation that fails is logged and answered as a miss (`get`
returns its default, `set` does nothing); after a failure this process leaves Redis alone for
`PAUSE_SECONDS`, so a Redis that accepts connections and never answers costs one socket timeout, not one
per cache call. What truly needs the shared cache (counting log-in attempts) asks with `required()`,
and then a failure raises `CacheUnavailable`, which the middleware answers with the 503 page.

Why here and not a library: Django's own RedisCache raises on every connection error (measured: a 500
on `/`, the course pages, `/help/` and log-in with Redis down, and each request held for redis-py's
default timeouts with a Redis that never answers). django-redis's IGNORE_EXCEPTIONS does the "miss"
half, but it is not one of the project's chosen dependencies and has no pause or "required" mode;
these forty lines over Django's backend do both (tests/test_cache_failure.py).

It also keeps one client object per connection pool: Django's client builds a new `redis.Redis` for
every cache call, and each one sets up its table of response callbacks, measurable on pages that read
the session and a version or two from Redis. A `redis.Redis` is safe to share (connections come from
its pool), and Django already keeps one cache object per thread.
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

PAUSE_SECONDS = 5
# Connection options: give up quickly, and do not retry (the database is the fallback, not patience).
OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": Retry(NoBackoff(), 0)}

_required: ContextVar[bool] = ContextVar("cache_required", default=False)
_paused_until = 0.0


class CacheUnavailable(Exception):
    """The shared cache is needed for this and cannot be reached."""


@contextmanager
def required():
    """Within this block, a cache failure raises CacheUnavailable instead of being a miss."""
    token = _required.set(True)
    try:
        yield
    finally:
        _required.reset(token)


def _failed(error: Exception | None, default):
    global _paused_until
    if error is not None:
        logger.warning("Cache unavailable, reading the database instead: %s", error)
        _paused_until = time.monotonic() + PAUSE_SECONDS
    if _required.get():
        raise CacheUnavailable from error
    return default


def _guarded(name: str, default=None):
    def method(self, *args, **kwargs):
        if time.monotonic() < _paused_until:
            return _failed(None, default() if callable(default) else default)
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except RedisError as error:
            return _failed(error, default() if callable(default) else default)

    method.__name__ = name
    return method


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**OPTIONS, **kwargs})
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

    def get(self, key, default=None, version=None):
        if time.monotonic() < _paused_until:
            return _failed(None, default)
        try:
            return super().get(key, default, version)
        except RedisError as error:
            return _failed(error, default)

    add = _guarded("add", False)
    set = _guarded("set")
    touch = _guarded("touch", False)
    delete = _guarded("delete", False)
    get_many = _guarded("get_many", dict)
    has_key = _guarded("has_key", False)
    incr = _guarded("incr")
    set_many = _guarded("set_many", list)
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")


def resume() -> None:
    """Use the cache again at once (tests)."""
    global _paused_until
    _paused_until = 0.0
