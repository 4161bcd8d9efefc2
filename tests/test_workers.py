"""Task workers as production runs them: separate processes sharing one PostgreSQL queue."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG = ["-h", "127.0.0.1", "-U", "postgres"]


@pytest.fixture
def database_env():
    """A PostgreSQL database of its own, migrated, and the environment that points the site at it."""
    database = f"sof_workers_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", *PG, database], check=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SECRET_KEY="workers-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        DJANGO_LOG_LEVEL="WARNING",
    )
    try:
        manage(env, "migrate", "--noinput")
        yield env
    finally:
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", database], check=True)


def manage(env: dict, *args: str) -> str:
    """What the command printed last (`shell` first says what it imported)."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    lines = result.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def start_worker(env: dict, *args: str) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0", "--no-startup-delay"]
    return subprocess.Popen([*command, "--verbosity", "0", *args], cwd=ROOT, env=env, start_new_session=True)


def test_two_workers_drain_a_thousand_emails_with_none_sent_twice_and_none_lost(database_env, smtp_server):
    smtp_server.start()
    env = {**database_env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_server.port), "EMAIL_USE_TLS": "0"}
    manage(
        env, "shell", "-c",
        "from core.mail import send_templated_emails; send_templated_emails(template='schools/email/reminder', "
        "emails=[(f'family{n}@example.nz', {'school': {'name': 'Kōwhai School'}, 'course_link': 'https://x/', "
        "'stop_link': 'https://x/stop/'}) for n in range(1000)])",
    )  # fmt: skip
    workers = [start_worker(env, "--batch", "--worker-id", f"worker-{n}") for n in (1, 2)]
    try:
        for worker in workers:
            assert worker.wait(timeout=300) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
    recipients = [message["X-Envelope-To"] for message in smtp_server.messages]
    assert len(recipients) == 1000
    assert sorted(recipients) == sorted(f"family{n}@example.nz" for n in range(1000))
    assert len({message["Message-ID"] for message in smtp_server.messages}) == 1000
    # Both workers took a share, and the queue records every email sent once, at the first try.
    record = json.loads(
        manage(
            env, "shell", "-c",
            "import json; from collections import Counter; from django_tasks_db.models import DBTaskResult; "
            "from core.models import Email; ids = DBTaskResult.objects.values_list('worker_ids', flat=True); "
            "print(json.dumps({'shares': Counter(w for row in ids for w in row), "
            "'outcomes': sorted(set(Email.objects.values_list('status', 'attempts')))}))",
        )
    )  # fmt: skip
    assert set(record["shares"]) == {"worker-1", "worker-2"}
    assert sum(record["shares"].values()) == 1000
    assert min(record["shares"].values()) > 100
    assert record["outcomes"] == [["sent", 1]]


def test_a_stopped_worker_finishes_the_email_it_is_sending_and_claims_no_more(database_env, smtp_server):
    """A deploy stops workers with TERM: the email in hand is sent and recorded, the rest wait for the next worker."""
    smtp_server.start()
    env = {**database_env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_server.port), "EMAIL_USE_TLS": "0"}
    manage(
        env, "shell", "-c",
        "from core.mail import send_templated_emails; send_templated_emails(template='schools/email/request_declined', "
        "emails=[(f'p{n}@example.nz', {'request': {'school_name': 'X'}}) for n in range(300)])",
    )  # fmt: skip
    worker = start_worker(env)
    deadline = time.monotonic() + 60
    while len(smtp_server.messages) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    state = manage(
        env, "shell", "-c",
        "from core.models import Email; print(Email.objects.filter(status='sent').count(), "
        "Email.objects.filter(status='sending').count(), Email.objects.filter(status='queued').count())",
    ).split()  # fmt: skip
    sent, sending, queued = map(int, state)
    assert sending == 0
    assert sent == len(smtp_server.messages)
    assert sent + queued == 300
    assert queued > 0
    # A TERM that lands between the worker claiming a task and starting it leaves the task "running"
    # (django-tasks-db exits at once when it thinks it is idle): the hourly tidy-up enqueues it again.
    manage(
        env, "shell", "-c",
        "from datetime import timedelta; from core.queue import rescue_stalled; rescue_stalled(after=timedelta(0))",
    )  # fmt: skip
    # The next worker sends the rest, and nothing twice.
    manage(env, "db_worker", "--batch", "--no-reload", "--interval", "0", "--no-startup-delay", "--verbosity", "0")
    recipients = [message["X-Envelope-To"] for message in smtp_server.messages]
    assert sorted(recipients) == sorted(f"p{n}@example.nz" for n in range(300))
