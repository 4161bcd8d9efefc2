"""Run the web server and a task worker as one: `make run` and `make serve` use it.

Ctrl-C (or a TERM from a service manager) stops both; if either stops by itself, the other is
stopped too, so a site never runs on with nobody sending its emails. Each runs in a process group
of its own, so the signal also reaches the processes they start (runserver's reloader, gunicorn's
workers).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

STOP_WAIT_SECONDS = 30  # a worker finishes the email it is sending before it stops


class Command(BaseCommand):
    help = (
        "Run a server command and `manage.py db_worker` side by side, e.g. "
        "`manage.py with_worker -- python manage.py runserver`. Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("server", nargs="+", help="The server's command line, after --.")
        parser.add_argument("--worker-args", default="", help="Extra arguments for db_worker, e.g. '--no-reload'.")

    def handle(self, *args, server, worker_args, **options):
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        # Set before they start: they begin with the default handling, even where this was started
        # with Ctrl-C ignored (a shell's background job).
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, stop)
        worker = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", *worker_args.split()]
        processes = {
            "server": subprocess.Popen(server, start_new_session=True),
            "worker": subprocess.Popen(worker, start_new_session=True),
        }
        ended = None
        try:
            while not stopping and ended is None:
                time.sleep(0.2)
                ended = next((name for name, process in processes.items() if process.poll() is not None), None)
        finally:
            for process in processes.values():
                _signal_group(process, signal.SIGTERM)  # both stop gracefully on TERM
            deadline = time.monotonic() + STOP_WAIT_SECONDS
            for process in processes.values():
                try:
                    process.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    _signal_group(process, signal.SIGKILL)
        if ended is not None:
            code = processes[ended].returncode
            raise CommandError(f"The {ended} stopped (exit status {code}), so the other was stopped too.")


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)
