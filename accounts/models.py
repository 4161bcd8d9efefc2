from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def canonical_email(address: str) -> str:
    """An address as it is stored, looked up and counted by throttles: trimmed and in lower case.

    Every lookup of an account by address is an exact match on this form. A case-insensitive match in
    the database would also find look-alikes (PostgreSQL folds `ı` to `I` and `ſ` to `S`), which a
    throttle counting the typed address would count apart.
    """
    return address.strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        return canonical_email(email or "")

    def get_by_natural_key(self, email):
        return self.get(email=canonical_email(email))

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        """Create a parent's account."""
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        """Create a site admin's account."""
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone with an account: a parent, a school coordinator, an author or an admin."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    # What the site calls the person; optional, and never shown to other families.
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    is_staff = models.BooleanField(_("staff status"), default=False, help_text=_("Can log in to the admin site."))
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Unticked accounts cannot log in."))
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # When the person proved they read mail at `email`; empty until then (and after a change of address).
    email_verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("An account with this email address already exists."),
            ),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]


class TwoFactorDevice(models.Model):
    """An authenticator app set up for the user's second sign-in step (TOTP, RFC 6238)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    # Base32 shared secret, shown once as a QR code when the app is set up.
    secret = models.CharField(max_length=64)
    # Empty until the user proves the app works by entering a code from it.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second time step accepted, so one code cannot be used twice.
    last_step = models.BigIntegerField(default=0)

    def __str__(self):
        return f"Authenticator for {self.user}"


class RecoveryCode(models.Model):
    """A one-time code for signing in when the authenticator app is lost. Only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Recovery code for {self.user}"
