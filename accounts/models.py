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
        """Whether the person has shown they read mail at `email` (allauth's EmailAddress says)."""
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=self, email=self.email, verified=True).exists()

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]
