"""Running the site: health checks, one JSON log line per request, nothing personal in the logs."""

import datetime
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.mail import send_templated_email
from core.request_log import JsonFormatter
from tests.mail import run_queued_tasks

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_answers_ok_with_a_small_json_body(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "queue": "ok",
        "queue_age_seconds": 0.0,
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_fails_when_a_task_has_waited_too_long(client, settings):
    """No worker running (or too few): the oldest email waiting is older than the limit."""
    settings.HEALTHZ_QUEUE_MAX_AGE = 600
    send_templated_email(to="a@example.nz", template="schools/email/request_declined", context={})
    assert client.get("/healthz").json()["queue"] == "ok"
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=11))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"] == "failing"
    assert response.json()["queue_age_seconds"] >= 660
    # Load balancers ask for the web server's own health: late workers do not take it out of service.
    assert client.get("/healthz?only=web").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    # A task waiting for its time (an email's next try in an hour) is not late.
    DBTaskResult.objects.update(run_after=timezone.now() + datetime.timedelta(hours=1))
    assert client.get("/healthz").status_code == 200
    # Once the worker has run it, nothing waits.
    DBTaskResult.objects.update(run_after=timezone.now() - datetime.timedelta(minutes=20))
    assert client.get("/healthz").status_code == 503
    run_queued_tasks()
    assert client.get("/healthz").json()["queue_age_seconds"] == 0.0


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
    assert answer == {
        "status": 503,
        "body": {
            "status": "unavailable",
            "database": "failing",
            "cache": "ok",
            "queue": "failing",
            "queue_age_seconds": None,
        },
    }


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


@pytest.fixture
def site_env(tmp_path):
    """The environment of a site on a SQLite file of its own, migrated."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        DJANGO_LOG_LEVEL="WARNING",
    )
    subprocess.run([sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def children_of(pid: int) -> list[str]:
    """The command lines of every process started, directly or not, by `pid`."""
    # -ww: the whole command line, however long the path to Python is.
    lines = subprocess.run(["ps", "-ww", "-eo", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    lines = lines.splitlines()
    table = [line.split(None, 2) for line in lines]
    found, parents = [], {str(pid)}
    for _round in range(5):
        for child, parent, args in table:
            if parent in parents and child not in parents:
                parents.add(child)
                found.append(args)
    return found


def test_with_worker_runs_the_server_and_a_worker_and_stops_both_on_term(site_env):
    server = [sys.executable, "-c", "import time; time.sleep(120)"]
    runner = subprocess.Popen(
        [sys.executable, "-m", "core.with_worker", "--worker-args=--no-reload", "--", *server],
        cwd=ROOT, env=site_env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("db_worker" in args for args in children_of(runner.pid)):
            time.sleep(0.2)
        running = children_of(runner.pid)
        assert any("db_worker" in args for args in running)
        assert any("time.sleep(120)" in args for args in running)
        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=40) == 0
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
    assert not children_of(runner.pid)
    leftover = subprocess.run(["pgrep", "-f", "time.sleep\\(120\\)"], capture_output=True, text=True).stdout
    assert not leftover.strip()


def test_with_worker_stops_the_worker_when_the_server_stops_by_itself(site_env):
    runner = subprocess.run(
        [sys.executable, "-m", "core.with_worker", "--worker-args=--no-reload", "--",
         sys.executable, "-c", "import time; time.sleep(3); raise SystemExit(3)"],
        cwd=ROOT, env=site_env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert runner.returncode == 1
    assert "The server stopped (exit status 3), so the other was stopped too." in runner.stderr
