"""The schools app's periodic jobs (core.schedule runs them): reminders daily, the digest weekly."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.tasks import task

from schools import digest, services


def _site_url() -> str:
    # Without it every link in the emails would be relative, and lead nowhere.
    if not settings.SITE_URL:
        raise ImproperlyConfigured("Set SITE_URL (e.g. https://safeonlinefamilies.nz): emails link to the site.")
    return settings.SITE_URL


@task()
def send_due_reminders(period: str) -> int:
    """Daily ("2026-12-03"): remind families due within a week or past it (as `manage.py send_due_reminders`)."""
    return services.send_due_reminders(base_url=_site_url())


@task()
def send_weekly_digests(period: str) -> int:
    """Weekly ("2026-W49"): each school's coordinators hear what happened in the week before."""
    return digest.send_weekly_digests(period=period, base_url=_site_url())
