"""The deploy guide's backup and restore, done for real against the local PostgreSQL."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG = ["-h", "127.0.0.1", "-U", "postgres"]


def site_env(database: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SECRET_KEY="deploy-test-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def psql(database: str, sql: str) -> str:
    return subprocess.run(["psql", *PG, "-d", database, "-tAc", sql], check=True, text=True, capture_output=True).stdout


@pytest.fixture
def databases():
    names = [f"sof_backup_{uuid.uuid4().hex[:8]}", f"sof_restored_{uuid.uuid4().hex[:8]}"]
    for name in names:
        subprocess.run(["createdb", *PG, name], check=True)
    yield names
    for name in names:
        subprocess.run(["dropdb", *PG, "--if-exists", name], check=True)


def test_a_pg_dump_backup_restores_to_a_working_site(databases, tmp_path):
    source, restored = databases
    env = site_env(source)
    for command in (["migrate", "--noinput"], ["load_bundled_course"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from accounts.models import User; User.objects.create_user('backup@example.nz', 'a long passphrase here')"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip

    dump = tmp_path / "site.dump"
    subprocess.run(["pg_dump", *PG, "--format=custom", f"--file={dump}", source], check=True)
    subprocess.run(["pg_restore", *PG, "--no-owner", f"--dbname={restored}", str(dump)], check=True)

    for table in ("accounts_user", "courses_lesson", "courses_question", "django_migrations"):
        assert psql(restored, f"SELECT count(*) FROM {table}") == psql(source, f"SELECT count(*) FROM {table}")
    check = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.test import Client; "
         "print(Client().get('/courses/keeping-children-safe-online/', secure=True).status_code)"],
        cwd=ROOT, env=site_env(restored), check=True, capture_output=True, text=True,
    )  # fmt: skip
    assert check.stdout.strip().splitlines()[-1] == "200"
    migrations = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"], cwd=ROOT, env=site_env(restored), capture_output=True
    )
    assert migrations.returncode == 0
