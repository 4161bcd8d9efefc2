"""The site's own tasks: each email's delivery, and the periodic jobs' entry (core.schedule)."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task

from core import mail, queue


@task()
def deliver_email(email_id: int) -> str:
    """Send one queued email (see core.mail)."""
    return mail.deliver(email_id)


@task()
def tidy_queue(period: str) -> dict:
    """Hourly: rescue what a dead worker left unfinished, and delete sent emails and finished tasks past keeping."""
    return {
        "stalled tasks enqueued again": queue.rescue_stalled(after=timedelta(seconds=settings.TASK_STALLED_AFTER)),
        "stalled emails failed": mail.give_up_on_stalled(),
        **queue.forget_old(days=settings.TASK_RETENTION_DAYS),
    }
