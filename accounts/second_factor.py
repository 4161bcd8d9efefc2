"""Who must have a second factor (TOTP or a passkey, through allauth's MFA) before a page, and where they set one up.

Once a person has one, allauth asks for it at every log-in, so a signed-in session of theirs has
passed it: the check is whether they have one at all. The answer "yes" is kept in the session, so
the admin's and a school's pages do not ask the database on every request; removing a factor in
this session forgets it.
"""

from allauth.mfa.signals import authenticator_removed
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils.translation import gettext as _

_HAS_ONE = "accounts.has-second-factor"


def missing(request) -> bool:
    """True if the signed-in user has no second factor."""
    if request.session.get(_HAS_ONE) == request.user.pk:
        return False
    if is_mfa_enabled(request.user):
        request.session[_HAS_ONE] = request.user.pk
        return False
    return True


def set_one_up(request):
    """To the page that adds an authenticator app or a passkey, with a word on why."""
    messages.info(
        request,
        _("This page needs two-step sign-in. Add an authenticator app or a passkey, then open the page again."),
    )
    return redirect("mfa_index")


@receiver(authenticator_removed)
def _removed(sender, request, user, **kwargs):
    if request is not None:
        request.session.pop(_HAS_ONE, None)
