"""What the schools app holds about a person: for "Download my data", "Delete my account" and retention."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from schools.models import Invitation, Membership


def _their_invitations(user):
    """Invitations they used, and those sent to their address once they have confirmed it is theirs: an
    account that has not proved its address must not read or delete what a school sent to it."""
    theirs = Q(accepted_by=user)
    if user.email_verified:
        theirs |= Q(email__iexact=user.email)
    return Invitation.objects.filter(theirs)


def export_user_data(user) -> dict:
    """The schools the person belongs to (and in what role), and the invitations sent to their address."""
    memberships = Membership.objects.filter(user=user).select_related("school", "cohort").order_by("pk")
    invitations = _their_invitations(user).select_related("school").order_by("pk")
    return {
        "schools": [
            {
                "school": membership.school.name,
                "role": membership.role,
                "group": membership.cohort.name if membership.cohort else None,
                "joined_at": membership.joined_at.isoformat(),
                "last_reminded_at": membership.last_reminded_at.isoformat() if membership.last_reminded_at else None,
                "reminders_stopped": membership.reminders_stopped,
                "weekly_digest_stopped": membership.digest_stopped,
            }
            for membership in memberships
        ],
        "school_invitations": [
            {
                "school": invitation.school.name,
                "email": invitation.email,
                "name": invitation.name,
                "sent_at": invitation.sent_at.isoformat() if invitation.sent_at else None,
                "state": invitation.state,
            }
            for invitation in invitations
        ],
    }


def erase_user_data(user) -> None:
    """Schools stop seeing the family at once; invitations to their address or used by them go too.

    Memberships go with the account (they cascade); invitations are deleted here because they hold
    the address and the name a school typed, which must not outlive the account.
    """
    _their_invitations(user).delete()


def purge_expired(*, now) -> dict[str, int]:
    """Invitations nobody used: gone once they have been expired or withdrawn for the retention period."""
    cutoff = now - timedelta(days=settings.INVITATION_RETENTION_DAYS)
    unused = Invitation.objects.filter(accepted_at__isnull=True)
    deleted, _detail = unused.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff)).delete()
    return {"unused invitations": deleted}
