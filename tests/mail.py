"""Emails in tests go where they go on the site: into the queue, sent by a worker. These run it."""

from unittest import mock

from django.core import mail
from django_tasks_db.management.commands import db_worker


def run_queued_tasks() -> int:
    """Run every task that is due, as `manage.py db_worker --batch` would, in this process; returns how many."""
    worker = db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    # The worker closes stale connections between tasks; inside a test's transaction that would end it.
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()
    return worker._run_tasks


def sent_mail() -> list[mail.EmailMessage]:
    """Every email sent so far in this test, after the worker has sent what is queued."""
    run_queued_tasks()
    return mail.outbox
