"""Bad configuration stops start-up with one clear line, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env_changes):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "example.nz"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "x" * 50}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "a", "DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "a", "DATABASE_URL": "mysql://h/db"}, "DATABASE_URL"),
        (
            {"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "a", "DATABASE_URL": "postgres://h:port/db"},
            "DATABASE_URL",
        ),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
    ],
)
def test_bad_configuration_stops_with_one_line_naming_the_variable(env, named):
    result = manage("check", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert named in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_is_off_unless_asked_for():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="example.nz",
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_development_needs_no_configuration():
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_sqlite_url_gets_wal_and_a_busy_timeout():
    database = database_from_url("sqlite:////tmp/site.sqlite3")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == "/tmp/site.sqlite3"
    assert database_from_url("sqlite:///site.sqlite3")["NAME"] == "site.sqlite3"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] >= 5


def test_postgres_url_is_read_in_full():
    database = database_from_url("postgres://sof:p%40ss@db.internal:6543/families?sslmode=require")
    assert database == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "families",
        "USER": "sof",
        "PASSWORD": "p@ss",
        "HOST": "db.internal",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require"},
    }


@pytest.mark.parametrize(
    "url", ["", "nonsense", "postgres://host", "sqlite://", "sqlite:///", "http://x/y", "postgres://h:99999/d"]
)
def test_malformed_database_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_yes_no_values(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "Yes")
    assert env_bool("SOME_FLAG") is True
    monkeypatch.setenv("SOME_FLAG", "0")
    assert env_bool("SOME_FLAG") is False


def test_site_settings_for_new_zealand(settings):
    assert settings.LANGUAGE_CODE == "en-nz"
    assert settings.TIME_ZONE == "Pacific/Auckland"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _gunicorn_settings(monkeypatch, **environ) -> dict:
    import runpy

    for name in ("REDIS_URL", "GUNICORN_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"))


def test_serve_runs_one_worker_without_a_shared_cache(monkeypatch):
    # Several processes without Redis would each keep their own versions of what changed.
    assert _gunicorn_settings(monkeypatch)["workers"] == 1
    assert _gunicorn_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")["workers"] > 1
    assert _gunicorn_settings(monkeypatch, GUNICORN_WORKERS="3")["workers"] == 3
