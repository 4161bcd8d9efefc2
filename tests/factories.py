"""Plain factory functions for tests."""

from itertools import count

from accounts.models import User

_numbers = count(1)
PASSWORD = "a long and memorable passphrase"


def make_user(*, email: str | None = None, display_name: str = "Aroha", **extra) -> User:
    """A parent's account with the test password."""
    email = email or f"parent{next(_numbers)}@example.nz"
    return User.objects.create_user(email=email, password=PASSWORD, display_name=display_name, **extra)


def make_staff(*, email: str | None = None, **extra) -> User:
    """A site admin."""
    email = email or f"admin{next(_numbers)}@example.nz"
    return User.objects.create_superuser(email=email, password=PASSWORD, **extra)
