"""Sessions as Django's cached_db engine keeps them, read in one round trip with their signed-in user.

A signed-in page needs its session, then the session's user (`accounts.backends`): two round trips
to the cache, one after the other. A session never changes hands (signing in as someone else makes a
new key), so once this process has read a session it knows whose it is: the next read asks for the
session and that user's cached row together, and `CachedUserBackend` uses the row if it is current.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db

from accounts import backends
from core.memo import Memo

# Whose each session is, as this process last read it.
_session_users = Memo(10_000)


class SessionStore(cached_db.SessionStore):
    # (user id, what the cache held for them), fetched with the session for `CachedUserBackend`.
    fetched_user: tuple[str, dict] | None = None

    def load(self):
        data = None
        user_id = _session_users.get(self.session_key or "")
        if user_id is not None:
            try:
                found = self._cache.get_many([self.cache_key, *backends.user_cache_keys(user_id)])
            except Exception:  # as Django's load: an unusable cache reads the database instead
                found = {}
            data = found.get(self.cache_key)
            self.fetched_user = (user_id, found)
        if data is None:
            data = super().load()
        user_id = data.get(SESSION_KEY)
        if user_id is None:
            _session_users.pop(self.session_key or "", None)  # signed out, or gone
        else:
            _session_users.keep(self.session_key, user_id)
        return data
