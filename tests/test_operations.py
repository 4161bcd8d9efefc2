"""Running the site: health checks, one JSON log line per request, nothing personal in the logs."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.request_log import JsonFormatter

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_answers_ok_with_a_small_json_body(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_checks_running_at_once_do_not_fail_each_other(client, monkeypatch):
    """Load balancers and workers check at the same moment: one check must not read another's value."""
    from core import health

    real_set = health.cache.set
    interrupted = []

    def set_while_another_check_runs(key, value, timeout=None):
        real_set(key, value, timeout=timeout)
        if not interrupted:
            interrupted.append(True)
            assert health._cache_ok()  # another check, between this one's write and its read

    monkeypatch.setattr(health.cache, "set", set_while_another_check_runs)
    assert client.get("/healthz").status_code == 200
    assert interrupted


def test_healthz_is_503_when_the_database_is_unreachable():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
        # Nothing listens on port 1: the connection is refused at once.
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere?connect_timeout=2",
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    script = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": 503, "body": {"status": "unavailable", "database": "failing", "cache": "ok"}}


@pytest.mark.django_db
def test_each_request_logs_one_line_naming_the_route_not_the_path(client, caplog):
    with caplog.at_level(logging.INFO, logger="sof.requests"):
        client.get("/certificates/SECR-ETCO-DE99/", headers={"X-Request-ID": "req-12345678"})
    records = [record for record in caplog.records if record.name == "sof.requests"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["method"] == "GET"
    assert line["route"] == "courses:certificate-verify"
    assert line["status"] == 404
    assert line["request_id"] == "req-12345678"
    assert isinstance(line["duration_ms"], float)
    assert "SECR-ETCO-DE99" not in json.dumps(line)


@pytest.mark.django_db
def test_account_forms_are_logged_without_the_email_or_password(client, caplog):
    with caplog.at_level(logging.INFO):
        client.post("/accounts/login/", {"login": "someone@example.nz", "password": "a secret phrase"})
        client.post("/accounts/signup/", {"email": "someone@example.nz", "password1": "a secret phrase"})
        client.post("/accounts/password/reset/", {"email": "someone@example.nz"})
    text = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert "someone@example.nz" not in text
    assert "a secret phrase" not in text


@pytest.mark.django_db
def test_a_made_up_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_prepare_site_migrates_loads_the_course_and_collects_static_files_in_one_go(settings, tmp_path):
    from django.core.management import call_command

    from courses.models import Course

    settings.STATIC_ROOT = tmp_path / "static"
    call_command("prepare_site", verbosity=0)
    assert Course.objects.published().filter(slug="keeping-children-safe-online").exists()
    assert (tmp_path / "static" / "staticfiles.json").exists()
    call_command("prepare_site", verbosity=0)  # again: nothing doubled
    assert Course.objects.count() == 1


def test_the_redis_cache_works_and_keeps_one_client_per_pool(redis_url):
    from core.cache import ReusingRedisCache

    cache = ReusingRedisCache(redis_url, {})
    cache.set("greeting", {"kia": "ora"}, 30)
    assert cache.get("greeting") == {"kia": "ora"}
    assert cache.add("count", 1)
    assert cache.incr("count") == 2
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
