from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up asks besides the address and password: the name we call the parent."""

    display_name = forms.CharField(
        label=_("Your first name, or what we should call you"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


class AuthenticateForm(mfa_forms.AuthenticateForm):
    """allauth's second step, which also takes a recovery code made before the move to allauth.

    Those codes were kept only as hashes (see migration 0005), so allauth's own codes cannot stand for
    them; each works once, like allauth's.
    """

    def clean_code(self):
        try:
            return super().clean_code()
        except forms.ValidationError as error:
            if error.code != "incorrect_code":  # rate-limited: no other check either
                raise
            code = self.cleaned_data.get("code", "").strip().lower()
            authenticator = _use_hashed_recovery_code(self.user, code)
            if authenticator is None:
                raise
            self.authenticator = authenticator
            return code


def _use_hashed_recovery_code(user, code: str) -> Authenticator | None:
    with transaction.atomic():
        codes = Authenticator.objects.select_for_update().filter(user=user, type=Authenticator.Type.RECOVERY_CODES)
        authenticator = codes.first()
        hashes = authenticator.data.get("hashed_codes", []) if authenticator else []
        for hashed in hashes:
            if check_password(code, hashed):
                authenticator.data["hashed_codes"] = [other for other in hashes if other != hashed]
                authenticator.save(update_fields=["data"])
                return authenticator
    return None


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": _("Your first name, or what we should call you")}


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my progress, plan and certificates will be deleted and cannot be brought back."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
