from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.models import User


def _without_autofocus(form: forms.Form) -> None:
    # Autofocus jumps past the skip link and the page's heading, which disorients screen-reader users.
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)


class LoginForm(auth_forms.AuthenticationForm):
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
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
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
