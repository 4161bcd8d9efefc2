"""Security headers on every response, production settings, and our own deploy check."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.templatetags.static import static

from core.checks import check_content_security_policy, check_site_url
from tests.factories import PASSWORD, make_course, make_user

ROOT = Path(__file__).resolve().parent.parent.parent

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: value for name, _space, value in (d.partition(" ") for d in directives)}


@pytest.fixture
def production(settings):
    """The settings production runs with, which the tests otherwise relax to speak plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/help/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/no-such-page/"]
)
def test_every_page_enforces_the_strict_policy(client, path):
    response = client.get(path)
    assert "Content-Security-Policy-Report-Only" not in response
    assert policy(response) == EXPECTED_CSP


@pytest.mark.django_db
def test_the_policy_never_allows_inline_or_evaluated_script(client):
    header = client.get("/")["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "unsafe-hashes" not in header


@pytest.mark.django_db
def test_production_response_carries_every_header(client, production):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_in_production(client, production):
    response = client.get("/help/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/help/"


@pytest.mark.django_db
def test_the_health_check_answers_plain_http_for_the_load_balancer(client, production):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_the_forwarded_proto_header_counts_only_when_configured(client, production):
    production.SECURE_PROXY_SSL_HEADER = None
    response = client.get("/help/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 301


def test_cookies_are_secure_and_same_site_lax_in_production(settings):
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
    assert settings.SECURE_HSTS_PRELOAD is False


@pytest.mark.django_db
def test_session_cookie_is_sent_secure_http_only_and_lax(client):
    user = make_user(verified=True)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_logged_in_pages_are_never_stored(client):
    make_course(slug="safe")
    client.force_login(make_user(verified=True))
    for path in ["/", "/learning/", "/courses/safe/", "/accounts/profile/", "/accounts/email/", "/accounts/2fa/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path


@pytest.mark.django_db
def test_anonymous_pages_may_be_cached(client):
    make_course(slug="safe")
    for path in ["/", "/help/", "/courses/safe/"]:
        assert "no-store" not in client.get(path).get("Cache-Control", ""), path


@pytest.mark.django_db
def test_static_files_stay_cacheable_for_a_logged_in_user(client):
    client.force_login(make_user())
    response = client.get(static("css/site.css"))
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert "max-age" in response["Cache-Control"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    b"".join(response.streaming_content)


def production_env(**changes):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="example.nz",
        EMAIL_HOST="smtp.example.nz",
        SITE_URL="https://example.nz",
    )
    env.update(changes)
    return env


def test_deploy_check_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_our_deploy_check_passes_the_site_policy():
    assert check_content_security_policy(None) == []


@pytest.mark.parametrize(
    "change",
    [
        {"SECURE_CSP": {}},
        {"SECURE_CSP": {}, "SECURE_CSP_REPORT_ONLY": {"default-src": ["'self'"]}},
        {"MIDDLEWARE": ["django.middleware.security.SecurityMiddleware"]},
    ],
)
def test_our_deploy_check_fails_when_no_policy_is_enforced(settings, change):
    for name, value in change.items():
        setattr(settings, name, value)
    assert [error.id for error in check_content_security_policy(None)] == ["core.E001"]


def test_the_deploy_check_wants_the_sites_address_for_links_in_emails(settings):
    assert check_site_url(None) == []
    settings.SITE_URL = ""
    assert [error.id for error in check_site_url(None)] == ["core.E003"]


def test_our_deploy_check_fails_on_inline_script(settings):
    settings.SECURE_CSP = {**settings.SECURE_CSP, "script-src": ["'self'", "'unsafe-inline'"]}
    assert [error.id for error in check_content_security_policy(None)] == ["core.E002"]


def test_our_deploy_check_runs_with_check_deploy():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.core.management import call_command; from django.test import override_settings\n"
            "with override_settings(SECURE_CSP={}): call_command('check', deploy=True)",
        ],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "core.E001" in result.stderr
