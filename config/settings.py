"""Settings for Safe Online Families: one module, configured from environment variables.

Every variable is listed in .env.example and in the README's configuration table.
"""

import os
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import database_from_url, env_bool, env_header, env_int, env_list, env_str, sqlite_database

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

if DEBUG:
    # Only for a developer's own machine: never used with DEBUG off.
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth's passkey list
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "courses",
    "schools",
    "core.apps.CoreConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before anything only pages need: with the request log and our
    # headers middleware in front, `make bench` measured the site's CSS at 0.78-0.82 of the floor's file
    # (target 0.9). They get SecurityMiddleware's headers and `_static_file_headers` below; the proxy
    # in front logs them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.request_log.RequestLogMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.RateLimitsNeedTheCacheMiddleware",
    "accounts.middleware.LocalNextOnlyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# Database: a SQLite file with no set-up; PostgreSQL (or another SQLite file) from DATABASE_URL.
_database_url = env_str("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(_database_url) if _database_url else sqlite_database(BASE_DIR / "db.sqlite3"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Tests use a file too (not Django's shared in-memory database), so concurrent requests meet the
    # same WAL journal and busy timeout as the real site instead of "database table is locked".
    # One file per test run, so two runs side by side never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}
# Keep connections open between requests (checked before reuse): measured here, reconnecting on every
# request made a 5-query page about a third slower.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.CachedUserBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.MaximumLengthValidator"},
]
# Apps that hold a person's data: each gives export_user_data(user), erase_user_data(user) and may give
# purge_expired(now=...) for the retention command. Listed here so accounts imports no other app.
ACCOUNT_DATA_PROVIDERS = ["courses.account_data", "schools.account_data", "core.account_data"]
# Parent accounts whose email address is never confirmed are deleted after this many days.
ACCOUNT_UNVERIFIED_RETENTION_DAYS = env_int("ACCOUNT_UNVERIFIED_RETENTION_DAYS", 30)
# School invitations nobody used are deleted this many days after they expired or were withdrawn.
INVITATION_RETENTION_DAYS = env_int("INVITATION_RETENTION_DAYS", 30)
# Staff must have a second factor before the admin (coordinators before a school dashboard).
SECOND_FACTOR_REQUIRED_FOR_STAFF = True
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/learning/"
LOGOUT_REDIRECT_URL = "/"

# Accounts are django-allauth's (`allauth.account`, `allauth.mfa`), with our adapter and templates.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]  # one password, which a password manager can paste
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
# Confirmed before the first log-in: only then can sign-up answer an address that has an account
# exactly as one that has not (its owner is emailed instead).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset asked for an unknown address emails nobody
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a button confirms: mail scanners that follow links change nothing
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# Per network, loose: many parents share a school's or workplace's address. Per address (a key made
# by `AccountAdapter` from the address as it is looked up), tight.
ACCOUNT_RATE_LIMITS = {
    # A network's failed log-ins are an action of their own (accounts.adapter): allauth clears all of
    # "login_failed" when one person passes their second step or resets their password.
    "login_failed": "5/15m/key",
    "login_failed_network": "50/15m/ip",
    "login": "300/15m/ip",  # every log-in from one network (allauth's default, 30 a minute, is a school's morning)
    "reset_password": "50/60m/ip,5/60m/key",
    "signup": "50/60m/ip",
    "join_code": "20/15m/ip",  # join codes that match no school (schools.views.join)
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Safe Online Families"
MFA_FORMS = {"authenticate": "accounts.forms.AuthenticateForm"}
# Passkeys need a secure origin and a domain name: in development open http://localhost:8000 (browsers
# refuse passkeys for an IP address such as 127.0.0.1).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

LANGUAGE_CODE = "en-nz"
LANGUAGES = [("en-nz", _("English (New Zealand)"))]
TIME_ZONE = "Pacific/Auckland"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed files with content hashes in their names, so browsers may cache them for ever.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_TEMPLATE_PACK = "sof"
CRISPY_ALLOWED_TEMPLATE_PACKS = ["sof"]

# Email: printed to the console until EMAIL_HOST is set, then sent over SMTP.
_email_host = env_str("EMAIL_HOST", "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            "timeout": 10,
        },
    }
    if _email_host
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Safe Online Families <no-reply@safeonlinefamilies.nz>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's task framework, with the queue in the database (django-tasks-db), so
# SQLite or PostgreSQL holds it and workers on any number of machines share it (`manage.py db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Every email is a task (core.mail). A failed send is tried again after 1 minute, then 2, 4, ... up to
# an hour apart, until a day has passed; then it shows as failed in the admin, which can send it again.
EMAIL_RETRY_FIRST_DELAY = 60
EMAIL_RETRY_LONGEST_DELAY = 60 * 60
EMAIL_RETRY_FOR = 24 * 60 * 60
# A send still unfinished after this many seconds had its worker die mid-send (SMTP gives up after 10).
EMAIL_STALLED_AFTER = 15 * 60
# A task still running after this many seconds had its worker die: it is enqueued again (core.queue).
TASK_STALLED_AFTER = 60 * 60
# Sent emails and finished tasks are deleted after this many days (the admin shows them until then).
TASK_RETENTION_DAYS = 30
# Periodic jobs: `manage.py run_periodic_jobs`, run every few minutes by cron or a systemd timer
# (README, "Running it"), enqueues each once per period, from its hour (local time) on its first day.
PERIODIC_JOBS = {
    "tidy-queue": {"task": "core.tasks.tidy_queue", "every": "hour"},
    "purge": {"task": "accounts.tasks.purge_expired_data", "every": "day", "from_hour": 3},
    "reminders": {"task": "schools.tasks.send_due_reminders", "every": "day", "from_hour": 9},
    "digest": {"task": "schools.tasks.send_weekly_digests", "every": "week", "from_hour": 7},
}
# /healthz fails when the oldest task waiting to run has waited longer than this many seconds.
HEALTHZ_QUEUE_MAX_AGE = env_int("HEALTHZ_QUEUE_MAX_AGE", 10 * 60)

# Where "Quick exit" goes: a neutral, everyday site.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.metservice.com/")
# The site's address as families type it, for links in the emails periodic jobs send (no request to
# read it from). `check --deploy` refuses an empty one.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# Security headers and cookies (README, "Security"). Pages load our own files only: scripts as
# <script src defer>, no inline script or style attribute anywhere, so the policy needs no exceptions.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent with every response (`core.middleware.SecurityHeadersMiddleware`, and for static files below).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"


def _static_file_headers(headers, path, url):
    """What SecurityHeadersMiddleware adds to pages, for the static files WhiteNoise answers before it."""
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Resource-Policy"] = CROSS_ORIGIN_RESOURCE_POLICY


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
# Behind a proxy that ends TLS: the header it always sets to "https" (e.g. X-Forwarded-Proto). Only
# ever name a header that proxy overwrites, or a client could claim a secure connection.
_ssl_header = env_header("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (_ssl_header, "https") if _ssl_header else None
# The header in which that proxy appends the client's address (e.g. X-Forwarded-For); rate limits
# read its right-most address (accounts.adapter.client_ip). Unset: the connection's own address, and
# the header is ignored.
TRUSTED_PROXY_HEADER = env_header("DJANGO_TRUSTED_PROXY_HEADER")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers ask for /healthz over plain HTTP inside the network and take a redirect as a failure.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# HSTS preload is a promise to every browser that is slow to take back: a deliberate step, not a default.
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Rate-limit counts (allauth's) live in the cache. Several processes or machines must share one, so
# production sets REDIS_URL; the default counts separately in each process.
_redis_url = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "core.cache.ReusingRedisCache", "LOCATION": _redis_url}
    if _redis_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# Sessions are read from Redis and written through to the database (Django's cached_db), so a Redis
# restart logs nobody out. Only with a shared cache: a per-process one would keep a logged-out session
# alive elsewhere.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if _redis_url else "django.contrib.sessions.backends.db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.request_log.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Requests are logged once, as JSON, by core.request_log; Django's own lines would repeat them.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
