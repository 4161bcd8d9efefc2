"""The emails the site has sent to a person's address: for "Download my data" and "Delete my account"."""

from core.models import Email


def _to_them(user):
    # Only once they have confirmed the address is theirs: an account must not read or delete what
    # was sent to an address it has not proved (as with school invitations).
    if not user.email_verified:
        return Email.objects.none()
    return Email.objects.filter(to__iexact=user.email)


def export_user_data(user) -> dict:
    """Which emails were sent to them and when; never what they said (forgotten once sent)."""
    return {
        "emails": [
            {
                "email": email.template,
                "status": email.status,
                "asked_for_at": email.created_at.isoformat(),
                "sent_at": email.sent_at.isoformat() if email.sent_at else None,
            }
            for email in _to_them(user).order_by("pk")
        ]
    }


def erase_user_data(user) -> None:
    """The record of emails to their address goes with the account, sent or waiting."""
    _to_them(user).delete()
