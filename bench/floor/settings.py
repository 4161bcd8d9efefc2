"""The benchmark's floor: the least a Django site on this machine can do, served the same way as ours.

Every figure in bench/RESULTS.md is shown as a ratio to this site's figures, so the results mean
the same on a faster or slower machine. Django's default connection settings, SQLite, no sessions.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = Path(os.environ.get("FLOOR_WORK_DIR", "/tmp/sof-bench-floor"))

DEBUG = False
SECRET_KEY = "floor-site-for-benchmarks-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.staticfiles"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "bench.floor.urls"
WSGI_APPLICATION = "bench.floor.wsgi.application"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [HERE / "templates"]}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": WORK / "floor.sqlite3"}}
STATIC_URL = "/static/"
STATIC_ROOT = WORK / "static"
STATICFILES_DIRS = [WORK / "source-static"]
STORAGES = {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
USE_TZ = True
