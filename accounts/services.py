"""A person's data: "Download my data", "Delete my account" and deleting accounts never confirmed."""

from datetime import timedelta
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User


def _providers():
    return [import_module(path) for path in settings.ACCOUNT_DATA_PROVIDERS]


def export_user_data(user: User) -> dict:
    """Everything linked to the account, as plain data for a JSON download."""
    data = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_confirmed": user.email_verified,
        }
    }
    for provider in _providers():
        data.update(provider.export_user_data(user))
    return data


@transaction.atomic
def delete_account(user: User) -> None:
    """Remove the person: their own rows go, and what others keep (quiz statistics) keeps no trace of them."""
    for provider in _providers():
        provider.erase_user_data(user)
    user.delete()


def purge_expired(*, now=None, unverified_days: int) -> dict[str, int]:
    """Delete what is kept no longer: never-verified parent accounts after `unverified_days`, and each app's own."""
    now = now or timezone.now()
    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    stale = User.objects.filter(is_staff=False, date_joined__lt=now - timedelta(days=unverified_days)).exclude(
        Exists(confirmed)
    )
    removed = {"unverified accounts": 0}
    for user in stale:
        delete_account(user)
        removed["unverified accounts"] += 1
    for provider in _providers():
        if hasattr(provider, "purge_expired"):
            removed.update(provider.purge_expired(now=now))
    return removed
