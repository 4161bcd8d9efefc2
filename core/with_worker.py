"""Run the web server and a task worker as one: `python -m core.with_worker -- <server command>`.

`make run` and `make serve` use it. A plain script, not a management command: it starts both
without loading Django first, which kept `make serve`'s cold start where it was without a worker
(a management command added 0.2 s to the measured 1.7 s; the target is 2 s).

Ctrl-C (or a TERM from a service manager) stops both; if either stops by itself, the other is
stopped too, so a site never runs on with nobody sending its emails. Each runs in a process group
of its own, so the signal also reaches the processes they start (runserver's reloader, gunicorn's
workers).
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time

STOP_WAIT_SECONDS = 30  # a worker finishes the email it is sending before it stops


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.with_worker",
        description="Run a server command and `manage.py db_worker` side by side; Ctrl-C stops both.",
    )
    parser.add_argument("--worker-args", default="", help="Extra arguments for db_worker, e.g. '--no-reload'.")
    parser.add_argument("server", nargs="+", help="The server's command line, after --.")
    options = parser.parse_args(argv)
    stopping = []

    def stop(signum, frame):
        stopping.append(signum)

    # Set before they start: they begin with the default handling, even where this was started
    # with Ctrl-C ignored (a shell's background job).
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    worker = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", *options.worker_args.split()]
    processes = {
        "server": subprocess.Popen(options.server, start_new_session=True),
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
        print(f"The {ended} stopped (exit status {code}), so the other was stopped too.", file=sys.stderr)
        return 1
    return 0


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


if __name__ == "__main__":
    sys.exit(main())
