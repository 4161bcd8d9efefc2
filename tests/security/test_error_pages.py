"""Friendly error pages that keep the help link and quick exit, and never show the internals."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from tests.factories import log_in_two_factor, make_author, make_user
from tests.html import structure

ROOT = Path(__file__).resolve().parent.parent.parent
INTERNALS = ["Traceback", "OperationalError", "SELECT", "db.internal", "5432", "File &quot;", 'File "']


def assert_friendly(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    page = structure(response)
    assert page.count("h1") == 1
    assert heading in html
    hrefs = [attrs.get("href") for tag, attrs in page.tags if tag == "a"]
    assert "/help/" in hrefs
    assert [attrs for tag, attrs in page.tags if tag == "a" and "data-quick-exit" in attrs]
    for secret in INTERNALS:
        assert secret not in html


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    assert_friendly(client.get("/no-such-page/"), 404, "We cannot find that page")


@pytest.mark.django_db
def test_forbidden_page_is_a_friendly_403(client):
    log_in_two_factor(client, make_author())
    # Authors write the course but may not see people's accounts.
    assert_friendly(client.get("/admin/accounts/user/"), 403, "This page is not open to you")


@pytest.mark.django_db
def test_foreign_host_is_a_friendly_400(client):
    assert_friendly(client.get("/", headers={"host": "evil.example"}), 400, "We could not read that request")


@pytest.mark.django_db
def test_form_without_csrf_token_is_a_friendly_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.nz", "password": "x"})
    assert_friendly(response, 403, "Please try that again")


@pytest.mark.django_db
def test_too_many_requests_is_a_friendly_429(settings):
    """allauth's rate limits answer 429 (here a password reset): the page keeps the help link and quick exit."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "1/60m/ip"}
    client = Client()
    client.post("/accounts/password/reset/", {"email": "a@example.nz"})
    assert_friendly(client.post("/accounts/password/reset/", {"email": "a@example.nz"}), 429, "Too many")


@pytest.mark.django_db
def test_crash_is_a_friendly_500_without_details(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("SELECT password FROM accounts_user at db.internal:5432")

    monkeypatch.setattr("courses.views.render", explode)
    response = Client(raise_request_exception=False).get("/help/")
    assert_friendly(response, 500, "Something went wrong on our side")


@pytest.mark.django_db
def test_database_down_in_a_view_is_a_503_with_retry_after(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')

    monkeypatch.setattr("courses.published.published_course", unreachable)
    response = client.get("/")
    assert_friendly(response, 503, "The site is having a short break")
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "10.0.0.5" not in response.content.decode()


@pytest.mark.django_db
def test_database_down_while_loading_the_session_is_a_503(monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(make_user())

    def unreachable(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", unreachable)
    # The view, a middleware (the admin's two-factor gate) and the 404 page each load the session.
    for path in ["/", "/admin/", "/no-such-page/"]:
        response = client.get(path)
        assert_friendly(response, 503, "The site is having a short break")
        assert response["Retry-After"] == "30"


DOWN_SCRIPT = """
from django.test import Client
client = Client(raise_request_exception=False)
anonymous = client.get("/")
client.cookies["sessionid"] = "abcdefghijklmnopqrstuvwxyz012345"
responses = [anonymous] + [client.get(path) for path in ["/learning/", "/admin/", "/no-such-page/"]]
for response in responses:
    print(response.status_code, response.get("Retry-After"))
for response in responses:
    print(response.content.decode())
"""


def test_site_with_its_database_server_down_answers_503_without_internals():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        # Nothing listens on port 1: every connection is refused.
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", DOWN_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    body = result.stdout
    assert body.splitlines()[:4] == ["503 30"] * 4, result.stdout + result.stderr
    assert body.count("<h1>The site is having a short break</h1>") == 4
    for secret in ["Traceback", "127.0.0.1", "nowhere", "postgres", "Connection refused", "OperationalError"]:
        assert secret not in body, secret
