"""WSGI entry point, for gunicorn: static files first (core/static_files.py), then the site."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    from django.core.wsgi import get_wsgi_application

    from core.static_files import StaticFilesFirst

    application = StaticFilesFirst(get_wsgi_application())
except ImproperlyConfigured as problem:
    sys.exit(f"Configuration error: {problem}")
