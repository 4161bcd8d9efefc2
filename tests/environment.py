"""The test run's environment, set before Django reads its settings (loaded with `-p`).

Tests run with DEBUG off, as production does, so they need the values production must provide.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-any-real-site")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["DJANGO_DEBUG"] = "0"
# Tests speak plain HTTP to the test client and the live server; production redirects to HTTPS.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Links in emails sent from commands (no request to take the address from).
os.environ.setdefault("SITE_URL", "http://testserver")
