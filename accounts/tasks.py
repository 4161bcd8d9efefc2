"""The accounts app's periodic job (core.schedule runs it daily)."""

from django.conf import settings
from django.tasks import task

from accounts.services import purge_expired


@task()
def purge_expired_data(period: str) -> dict[str, int]:
    """Daily: delete never-confirmed accounts and each app's expired data (as `manage.py purge_expired_data`)."""
    return purge_expired(unverified_days=settings.ACCOUNT_UNVERIFIED_RETENTION_DAYS)
