import logging

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts import throttling
from accounts.models import User, canonical_email

logger = logging.getLogger(__name__)


def _without_autofocus(form: forms.Form) -> None:
    # Autofocus jumps past the skip link and the page's heading, which disorients screen-reader users.
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)


class ThrottledLoginMixin:
    """Five wrong passwords for one address, or many from one network, pause log-ins there for a while."""

    def clean(self):
        account = canonical_email(self.cleaned_data.get("username") or "")
        network = throttling.client_ip(self.request) if self.request else ""
        waiting = max(
            throttling.wait(throttling.LOGIN_PER_ACCOUNT, account),
            throttling.wait(throttling.LOGIN_PER_NETWORK, network),
        )
        if waiting:
            # Checked before the password, so during a cool-off even the right one gets this answer.
            raise forms.ValidationError(throttling.try_again_message(waiting), code="throttled")
        try:
            cleaned_data = super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                throttling.hit(throttling.LOGIN_PER_ACCOUNT, account)
                throttling.hit(throttling.LOGIN_PER_NETWORK, network)
            raise
        if self.user_cache is not None:
            throttling.clear(throttling.LOGIN_PER_ACCOUNT, account)
        return cleaned_data


class LoginForm(ThrottledLoginMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        _without_autofocus(self)


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _without_autofocus(self)

    def clean_email(self):
        # Counted for every address alike, so the answer says nothing about who has an account.
        email = canonical_email(self.cleaned_data["email"])
        waiting = throttling.wait(throttling.RESET_PER_EMAIL, email)
        if waiting:
            raise forms.ValidationError(throttling.try_again_message(waiting), code="throttled")
        throttling.hit(throttling.RESET_PER_EMAIL, email)
        return email

    def get_users(self, email):
        # The account with exactly this address, as the throttle above counted it: Django's own lookup
        # also matches look-alikes (`ſ` for `s`), each with a count of its own.
        users = User._default_manager.filter(email=canonical_email(email), is_active=True)
        return (user for user in users if user.has_usable_password())

    def save(self, *args, request=None, **kwargs):
        # Django's view passes the request only here. The page that follows says the same whether or not
        # an email went, so sending nothing stops one network flooding inboxes and tells it nothing.
        network = throttling.client_ip(request) if request is not None else ""
        if throttling.wait(throttling.RESET_PER_NETWORK, network):
            logger.warning("Password reset email not sent: too many requests from one network.")
            return
        throttling.hit(throttling.RESET_PER_NETWORK, network)
        super().save(*args, request=request, **kwargs)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _without_autofocus(self)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _without_autofocus(self)


class SignupForm(forms.ModelForm):
    """A new parent's account: email, the name we call them, and one password they can paste."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A few words together make a strong password that is easy to remember."),
    )

    class Meta:
        model = User
        fields = ["email", "display_name", "password"]
        labels = {"email": _("Email address"), "display_name": _("Your first name, or what we should call you")}
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].widget.attrs["autocomplete"] = "given-name"

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])

    def _get_validation_exclusions(self):
        # Whether an address is taken is never said here: the sign-up service emails its owner instead.
        return {*super()._get_validation_exclusions(), "email"}

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password", error)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": _("Your first name, or what we should call you")}


class PasswordCheckForm(forms.Form):
    """Asks again for the password before a change that matters."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        # Counted with failed log-ins: someone at an unlocked phone gets no more guesses than at the log-in page.
        account = canonical_email(self.user.email)
        waiting = throttling.wait(throttling.LOGIN_PER_ACCOUNT, account)
        if waiting:
            raise forms.ValidationError(throttling.try_again_message(waiting), code="throttled")
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            throttling.hit(throttling.LOGIN_PER_ACCOUNT, account)
            raise forms.ValidationError(_("That is not your current password."))
        return password


class ChangeEmailForm(PasswordCheckForm):
    new_email = forms.EmailField(
        label=_("New email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        help_text=_("We will send a link to this address. Your address changes when you open it."),
    )
    field_order = ["new_email", "password"]

    def clean_new_email(self):
        email = User.objects.normalize_email(self.cleaned_data["new_email"])
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError(_("That is already your email address."))
        return email


class DeleteAccountForm(PasswordCheckForm):
    confirm = forms.BooleanField(
        label=_("I understand that my progress, plan and certificates will be deleted and cannot be brought back."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        help_text=_("6 digits. Lost your phone? Enter one of your recovery codes instead."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )
