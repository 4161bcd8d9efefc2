"""Small readers of environment variables that fail loudly, naming the variable."""

import os
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """A string variable; raises ImproperlyConfigured when missing and no default is given."""
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"{name} is not set; see .env.example.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no variable: 1/true/yes/on or 0/false/no/off."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0), not {value!r}.")


def env_int(name: str, default: int) -> int:
    """A whole-number variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str | None = None) -> list[str]:
    """A comma-separated list variable, blanks dropped."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_header(name: str) -> str:
    """The request.META key of a header named in a variable (X-Forwarded-For or HTTP_X_FORWARDED_FOR); "" if unset."""
    value = env_str(name, "").strip()
    if not value:
        return ""
    meta = value.upper().replace("-", "_")
    meta = meta if meta.startswith("HTTP_") else f"HTTP_{meta}"
    if not re.fullmatch(r"HTTP_[A-Z0-9_]+", meta):
        raise ImproperlyConfigured(f"{name} must be a header name such as X-Forwarded-For, not {value!r}.")
    return meta


_SQLITE_OPTIONS = {
    # WAL lets readers carry on while one request writes; IMMEDIATE takes the write lock at the
    # start of a transaction so two writers queue instead of failing with "database is locked".
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def database_from_url(url: str, *, name: str = "DATABASE_URL") -> dict:
    """Django's DATABASES["default"] from a URL: sqlite:///path or postgres://user:pw@host:port/db."""
    problem = f"{name} is not a valid database URL ({url!r}); expected sqlite:////absolute/path.sqlite3 or postgres://user:password@host:5432/name."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(problem) from None
    if parts.scheme == "sqlite":
        # sqlite:///relative/file.sqlite3 or sqlite:////absolute/file.sqlite3, as is the custom.
        path = unquote(parts.path)[1:]
        if parts.netloc or not path or path.endswith("/"):
            raise ImproperlyConfigured(problem)
        return sqlite_database(path)
    if parts.scheme in {"postgres", "postgresql"}:
        database = unquote(parts.path.lstrip("/"))
        if not parts.hostname or not database or "/" in database:
            raise ImproperlyConfigured(problem)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname,
            "PORT": str(port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
        }
    raise ImproperlyConfigured(problem)


def sqlite_database(path: str) -> dict:
    """Django's DATABASES["default"] for a SQLite file, tuned for a small web site."""
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "OPTIONS": dict(_SQLITE_OPTIONS)}
