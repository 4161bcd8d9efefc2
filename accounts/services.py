"""Account writes: registering without revealing who has an account, verifying email, export and erasure."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.emails import send_templated_email
from accounts.models import User, canonical_email

_VERIFY_SALT = "accounts.verify-email"
VERIFY_MAX_AGE = 60 * 60 * 24 * 3  # three days


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def email_token(user: User, email: str) -> str:
    """A signed link token that proves whoever holds it reads mail at `email`."""
    return signing.dumps({"u": user.pk, "from": user.email, "to": email}, salt=_VERIFY_SALT)


def send_verification(*, request, user: User, email: str | None = None, then: str = "") -> None:
    """Email a confirmation link to `email` (the user's own address unless changing it).

    `then` is a path on this site to carry on at once the address is confirmed (joining a school).
    """
    email = email or user.email
    path = reverse("accounts:verify-email", kwargs={"token": email_token(user, email)})
    link = _absolute(request, f"{path}?{urlencode({'next': then})}" if then else path)
    send_templated_email(
        to=email,
        template="accounts/email/verify",
        context={"user": user, "link": link, "changing": email != user.email},
    )


@transaction.atomic
def register(*, request, email: str, display_name: str, password: str, then: str = "") -> User | None:
    """Create an account and send its confirmation link, or, if the address has an account, tell its owner.

    Returns the new user, or None when the address was taken: the caller answers both the same way,
    so the form never reveals who has an account here.
    """
    email = canonical_email(email)
    if User.objects.filter(email=email).exists():
        _tell_owner_of_signup_attempt(request, email)
        return None
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, display_name=display_name)
    except IntegrityError:  # the same address, registered a moment ago
        _tell_owner_of_signup_attempt(request, email)
        return None
    send_verification(request=request, user=user, then=then)
    return user


def _tell_owner_of_signup_attempt(request, email: str) -> None:
    send_templated_email(
        to=email,
        template="accounts/email/already_registered",
        context={
            "login": _absolute(request, reverse("login")),
            "reset": _absolute(request, reverse("password_reset")),
        },
    )


@transaction.atomic
def confirm_email(token: str) -> User | None:
    """Mark the address in `token` verified (changing to it, if it is a new one); None if the link is bad."""
    try:
        payload = signing.loads(token, salt=_VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.select_for_update().filter(pk=payload.get("u"), is_active=True).first()
    # A link made before a later change of address must not undo that change.
    if user is None or user.email.lower() != str(payload.get("from", "")).lower():
        return None
    new_email = canonical_email(str(payload["to"]))
    if new_email != user.email and User.objects.filter(email=new_email).exists():
        return None
    user.email = new_email
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email", "email_verified_at"])
    return user


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
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
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


def check_password_again(user: User, password: str) -> bool:
    """Re-authentication before a sensitive change."""
    return user.check_password(password)


def purge_expired(*, now=None, unverified_days: int) -> dict[str, int]:
    """Delete what is kept no longer: never-verified parent accounts after `unverified_days`, and each app's own."""
    now = now or timezone.now()
    stale = User.objects.filter(
        email_verified_at__isnull=True, is_staff=False, date_joined__lt=now - timedelta(days=unverified_days)
    )
    removed = {"unverified accounts": 0}
    for user in stale:
        delete_account(user)
        removed["unverified accounts"] += 1
    for provider in _providers():
        if hasattr(provider, "purge_expired"):
            removed.update(provider.purge_expired(now=now))
    return removed
