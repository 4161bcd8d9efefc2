from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Passwords of at most `max_length` characters: hashing a megabyte of text with Argon2 on every
    guess would let one client keep the server busy. Longer than any passphrase a person types."""

    def __init__(self, max_length: int = 200):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long: use at most %(max_length)d characters."),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return _("Your password can be up to %(max_length)d characters long.") % {"max_length": self.max_length}
