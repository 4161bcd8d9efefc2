"""/healthz: can this process reach its database and its cache? For load balancers and monitoring."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import cache as shared_cache

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def _cache_ok() -> bool:
    # A key of its own: checks running at once in other processes must not read each other's value.
    value = uuid.uuid4().hex
    key = f"healthz:{value}"
    try:
        with shared_cache.required():  # here a failure is the answer, not a miss
            cache.set(key, value, timeout=10)
            ok = cache.get(key) == value
            cache.delete(key)
        return ok
    except Exception:
        logger.exception("health check: cache unreachable")
        return False


@never_cache
@require_safe
def healthz(request):
    """200 with {"status": "ok"} when the database and cache answer; 503 naming the one that does not."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{name: "ok" if ok else "failing" for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
