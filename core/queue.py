"""The task queue (django-tasks-db's table): enqueueing many at once, and how long the oldest has waited."""

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import Min
from django.tasks import Task
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.json import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from core.models import Email, EmailStatus


def enqueue_each(task: Task, calls: Iterable[tuple]) -> None:
    """Enqueue `task` once for each tuple of arguments: one task each, written in one INSERT.

    `task.enqueue()` writes a row per call: 2,000 invitations took 0.45 s and 2,000 queries that way
    (measured here on SQLite), which a school's "send" page cannot afford. The rows are the ones the
    backend writes (django_tasks_db.backend), with the run_after its pre_save handler would set.
    """
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for args in calls:
            task.enqueue(*args)
        return
    rows = [
        DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after or get_date_max(),
            backend_name=backend.alias,
        )
        for args in calls
    ]
    backend.validate_task(task)
    DBTaskResult.objects.bulk_create(rows)
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)


def oldest_wait() -> timedelta:
    """How long the task that has waited longest to run has waited (zero when none is waiting)."""
    now = timezone.now()
    waiting = DBTaskResult.objects.ready()
    # Waiting since it was enqueued, or since the time it was to run after.
    oldest = waiting.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"]
    deferred = waiting.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"]
    since = min((at for at in (oldest, deferred) if at is not None), default=now)
    return max(now - since, timedelta(0))


class WorkerStopped(Exception):
    """The worker running a task stopped (killed, or its machine went away) before the task finished."""


def rescue_stalled(*, after: timedelta) -> int:
    """Tasks a worker claimed and never finished: recorded as failed, and enqueued again; returns how many.

    django-tasks-db leaves such a task "running" for ever: a worker killed mid-task, or one stopped
    between claiming a task and starting it (its TERM handler exits at once when it believes it is
    idle). Every task of ours is safe to run again: an email's delivery checks its claim on the email
    first, and each periodic job skips what it has done.
    """
    stalled = DBTaskResult.objects.running().filter(started_at__lt=timezone.now() - after)
    rescued = 0
    for pk in stalled.values_list("pk", flat=True):
        with transaction.atomic():
            result = DBTaskResult.objects.select_for_update(skip_locked=True).filter(pk=pk, status="RUNNING").first()
            if result is None:
                continue
            result.set_failed(WorkerStopped("The worker stopped before this task finished; it was enqueued again."))
            result.task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            rescued += 1
    return rescued


def forget_old(*, days: int) -> dict:
    """Delete emails sent, and tasks finished, more than `days` ago: addresses are kept no longer than needed."""
    before = timezone.now() - timedelta(days=days)
    emails, _detail = Email.objects.filter(status=EmailStatus.SENT, sent_at__lt=before).delete()
    tasks, _detail = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    return {"sent emails deleted": emails, "finished tasks deleted": tasks}
