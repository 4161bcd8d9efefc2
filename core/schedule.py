"""One entry point for periodic work: `manage.py run_periodic_jobs`, run every few minutes by cron or a timer.

Each job in settings.PERIODIC_JOBS is a task enqueued once per period (an hour, a day, a week), from
the job's hour of the day on: the `ScheduledRun` row for the job and period is written with the task,
and its unique constraint makes a second run, even one at the same moment on another machine, enqueue
nothing. The worker runs the task with the period as its argument.
"""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import ScheduledRun


def period(every: str, now: datetime) -> str:
    """The name of the period `now` falls in: "2026-12-03T09" (hour), "2026-12-03" (day), "2026-W49" (week)."""
    local = timezone.localtime(now)
    if every == "hour":
        return local.strftime("%Y-%m-%dT%H")
    if every == "day":
        return local.date().isoformat()
    if every == "week":
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"A job runs every hour, day or week, not every {every!r}.")


def is_due(job: dict, now: datetime) -> bool:
    """A daily or weekly job waits for its hour on its first day (reminders at 9 am, not at midnight)."""
    local = timezone.localtime(now)
    first_day = job["every"] == "day" or local.isoweekday() == 1
    return not first_day or local.hour >= job.get("from_hour", 0)


def enqueue_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue every job not yet enqueued for its current period; returns "job period" for each enqueued."""
    now = now or timezone.now()
    enqueued = []
    for name, job in settings.PERIODIC_JOBS.items():
        if not is_due(job, now):
            continue
        key = period(job["every"], now)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=name, period=key)
                import_string(job["task"]).enqueue(key)
        except IntegrityError:
            continue  # enqueued already, by an earlier run or one running now
        enqueued.append(f"{name} {key}")
    return enqueued
