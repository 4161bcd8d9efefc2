"""WSGI entry point, for gunicorn (static files are served by WhiteNoise's middleware)."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ImproperlyConfigured as problem:
    sys.exit(f"Configuration error: {problem}")
