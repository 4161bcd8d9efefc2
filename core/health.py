"""/healthz: can this process reach its database and its cache, and are the task workers keeping up?"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import cache as shared_cache
from core.queue import oldest_wait

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


def _queue_age() -> float | None:
    """Seconds the oldest task due to run has waited (emails among them); None if the queue cannot be read."""
    try:
        return round(oldest_wait().total_seconds(), 1)
    except Exception:
        logger.exception("health check: task queue unreadable")
        return None


@never_cache
@require_safe
def healthz(request):
    """200 with {"status": "ok"} when the database and cache answer and no task has waited too long to run.

    503 naming what fails. A queue older than HEALTHZ_QUEUE_MAX_AGE means no worker is running, or too
    few: emails are waiting. `?only=web` leaves the queue out, for load balancers: stopped workers are
    for monitoring to report, not a reason to take every web server out of service.
    """
    database_ok = _database_ok()
    checks = {"database": database_ok, "cache": _cache_ok()}
    age = None
    if request.GET.get("only") != "web":
        age = _queue_age() if database_ok else None
        checks["queue"] = age is not None and age <= settings.HEALTHZ_QUEUE_MAX_AGE
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{name: "ok" if ok else "failing" for name, ok in checks.items()},
    }
    if "queue" in checks:
        body["queue_age_seconds"] = age
    return JsonResponse(body, status=200 if healthy else 503)
