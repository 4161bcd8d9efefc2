"""`make bench`: load-test the site as `make serve` runs it, on SQLite and PostgreSQL, against a floor site.

Every figure is also given as a ratio to the floor (bench/floor: a bare Django view, a view with five
simple queries and a 5 KB template, and a 50 KB static file, served the same way), so results read
the same on any machine. Prints a table and writes bench/RESULTS.md.
"""

import gzip
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
WORK = Path(os.environ.get("BENCH_WORK_DIR", "/tmp/sof-bench"))
SITE, FLOOR = "127.0.0.1:8100", "127.0.0.1:8101"
DURATION = int(os.environ.get("BENCH_SECONDS", "4"))
REPETITIONS = 3
# Seconds between runs, for the server to finish what it had queued.
PAUSE = 0.5
CONNECTIONS = (8, 32)
# BENCH_ONLY="quiz,learning": measure only the pages whose names contain one of these (RESULTS.md then
# says less, and its targets are checked for those pages alone).
ONLY = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
PG_URL = "postgres://postgres@127.0.0.1:5432/sof_bench"


def run(command, env=None, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=True, text=True, capture_output=True, **kwargs)


def site_env(database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SECRET_KEY="bench-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        DJANGO_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="config.settings",
        # Plain HTTP on loopback: in production the TLS proxy in front does the redirecting.
        DJANGO_SECURE_SSL_REDIRECT="0",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    return env


def prepare_site(database: str) -> tuple[dict, dict]:
    """A fresh database with the bundled course and generated families; returns (env, bench info)."""
    out = WORK / database
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    if database == "sqlite":
        url = f"sqlite:///{out / 'site.sqlite3'}"
    else:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "sof_bench"], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "sof_bench"], check=True)
        url = PG_URL
    env = site_env(url)
    # Each database starts with an empty cache: what the other run cached (users and progress under
    # the same ids) must not be read as this one's.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    for command in (["migrate", "--noinput"], ["load_bundled_course"], ["collectstatic", "--noinput", "-v0"]):
        run([PY, "manage.py", *command], env=env)
    print(run([PY, "-m", "bench.generate_data", str(out)], env=env).stdout.strip())
    return env, json.loads((out / "bench.json").read_text())


def prepare_floor() -> dict:
    floor_dir = WORK / "floor"
    shutil.rmtree(floor_dir, ignore_errors=True)
    (floor_dir / "source-static").mkdir(parents=True)
    line = "/* a static file of the size of a small stylesheet, for the floor */ .x { color: #333; }\n"
    (floor_dir / "source-static" / "floor.css").write_text(line * (50 * 1024 // len(line)))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.floor.settings", "FLOOR_WORK_DIR": str(floor_dir)}
    run([PY, "-m", "django", "migrate", "--noinput", "-v0"], env=env)
    run([PY, "-m", "django", "collectstatic", "--noinput", "-v0"], env=env)
    manifest = json.loads((floor_dir / "static" / "staticfiles.json").read_text())
    return {"env": env, "static": "/static/" + manifest["paths"]["floor.css"]}


FLOOR_PAGE, FLOOR_STATIC = "floor: 5 queries + 5 KB template", "floor: 50 KB static file"


def _floor_for(name: str) -> str:
    """What a page of the site is compared with: the floor's static file for static files, else its page."""
    return FLOOR_STATIC if "static" in name else FLOOR_PAGE


# The site and the floor run as many workers as `make serve` does with a shared cache.
WORKERS = str((os.cpu_count() or 1) * 2 + 1)


def serve(env: dict, wsgi: str, bind: str, log: Path) -> subprocess.Popen:
    env = {**env, "GUNICORN_BIND": bind, "GUNICORN_WORKERS": WORKERS}
    process = subprocess.Popen(
        [GUNICORN, wsgi, "--config", "config/gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    wait_for(f"http://{bind}/healthz" if wsgi.startswith("config") else f"http://{bind}/")
    return process


def wait_for(url: str, timeout: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    process.wait(timeout=30)


def wrk(url: str, connections: int, *, cookie: str = "", script: list[str] | None = None, seconds: int = 0) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds or DURATION}s", "--latency", "--timeout", "10s"]
    if cookie and not script:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", script[0], url, "--", *script[1:]]
    else:
        command.append(url)
    output = subprocess.run(command, check=True, text=True, capture_output=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", output, re.M))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(latency["50"]),
        "p99": _ms(latency["99"]),
        "errors": errors,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


def check_signed_in(info: dict) -> None:
    """The parent's and the coordinator's cookies open their pages: never measure a redirect to log in."""
    _, _, lesson = fetch(f"http://{SITE}{info['lesson_url']}", {"Cookie": f"sessionid={info['session']}"})
    if b"Log out" not in lesson:
        raise RuntimeError("the benchmark's parent is not signed in")
    if "dashboard_url" in info:
        cookie = {"Cookie": f"sessionid={info['coordinator_session']}"}
        status, _, board = fetch(f"http://{SITE}{info['dashboard_url']}", cookie)
        if status != 200 or b"At a glance" not in board:
            raise RuntimeError("the benchmark's coordinator does not reach the dashboard")


def page_weight(info: dict) -> dict:
    """HTML + CSS + JS of the lesson page, as sent and gzip-compressed."""
    _, _, html = fetch(f"http://{SITE}{info['lesson_url']}", {"Cookie": f"sessionid={info['session']}"})
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    parts = [html] + [fetch(f"http://{SITE}{asset.decode()}")[2] for asset in assets]
    return {
        "raw_kb": sum(len(part) for part in parts) / 1024,
        "gzip_kb": sum(len(gzip.compress(part, 6)) for part in parts) / 1024,
    }


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def csv_export(info: dict, master: int) -> dict | None:
    """Time the CSV export and the largest growth of any worker's memory while it streams."""
    if "export_url" not in info:
        return None
    pids = worker_pids(master)
    before = {pid: rss_kb(pid) for pid in pids}
    peak = dict(before)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], rss_kb(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    status, _, body = fetch(
        f"http://{SITE}{info['export_url']}", {"Cookie": f"sessionid={info['coordinator_session']}"}
    )
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    growth_mb = max(peak[pid] - before[pid] for pid in pids) / 1024
    return {"status": status, "seconds": seconds, "rows": body.count(b"\n") - 1, "growth_mb": growth_mb}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


INVITATIONS = 2000


def bulk_invitations(env: dict, info: dict) -> dict | None:
    """A coordinator sends 2,000 invitations: the page's answer time, then one worker sending every email."""
    if "dashboard_url" not in info:
        return None
    opener = urllib.request.build_opener(_NoRedirect)
    headers = {
        "Cookie": f"sessionid={info['coordinator_session']}; csrftoken={info['csrf']}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    seconds, statuses = [], []
    for repetition in range(REPETITIONS):
        rows = "\n".join(f"invitee{repetition}-{n}@bench.example.nz, Family {n}" for n in range(INVITATIONS))
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": info["csrf"], "text": rows, "confirm": "send"})
        request = urllib.request.Request(f"http://{SITE}{info['dashboard_url']}invite/", body.encode(), headers)
        started = time.monotonic()
        try:
            with opener.open(request, timeout=60) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as answer:  # the redirect to the invitations page, not followed
            statuses.append(answer.code)
        seconds.append(time.monotonic() - started)
    queued = REPETITIONS * INVITATIONS
    # One worker, as `make serve` starts, with the console mailer (no SMTP server here): every email sent.
    started = time.monotonic()
    subprocess.run(
        [PY, "manage.py", "db_worker", "--batch", "--no-reload", "--interval", "0", "--no-startup-delay", "-v0"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    drained = time.monotonic() - started
    script = (
        "import django; django.setup(); from core.models import Email;"
        "print(Email.objects.filter(template='schools/email/invitation', status='sent').count())"
    )
    sent = int(run([PY, "-c", script], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}).stdout)
    return {"seconds": statistics.median(seconds), "statuses": statuses, "queued": queued, "sent": sent,
            "drain_seconds": drained}  # fmt: skip


def static_headers(info: dict) -> dict:
    _, _, html = fetch(f"http://{SITE}/")
    css = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', html).group(1).decode()
    _, headers, _ = fetch(f"http://{SITE}{css}", {"Accept-Encoding": "gzip, br"})
    return {"url": css, "encoding": headers.get("Content-Encoding"), "cache": headers.get("Cache-Control")}


def integrity(env: dict, info: dict) -> dict:
    """After the run: attempts are unique per form token and every attempt kept all its answers."""
    script = (
        "import django, json; django.setup();"
        "from django.db.models import Count; from courses.models import QuizAttempt, LessonCompletion;"
        f"a = QuizAttempt.objects.filter(user_id={info['parent_id']}, quiz_id={info['quiz_id']});"
        f"n = {info['questions_per_attempt']};"
        "short = sum(len(answers) != n for answers in a.values_list('answers', flat=True));"
        "dup = a.values('token').annotate(n=Count('pk')).filter(n__gt=1).count();"
        "lc = LessonCompletion.objects.values('user', 'lesson').annotate(n=Count('pk')).filter(n__gt=1).count();"
        "print(json.dumps({'attempts': a.count(), 'attempts_missing_answers': short,"
        " 'duplicate_tokens': dup, 'duplicate_completions': lc}))"
    )
    return json.loads(run([PY, "-c", script], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}).stdout)


def cold_start(env: dict) -> float:
    """`make serve` from nothing running to the first 200."""
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "-s", "serve"], cwd=ROOT, env={**env, "GUNICORN_BIND": "127.0.0.1:8102"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for("http://127.0.0.1:8102/healthz")
        return time.monotonic() - started
    finally:
        stop(process)


def targets(info: dict) -> list[tuple[str, str, str, dict]]:
    """(name, server, path, options) for each load test; floor targets come first in each round."""
    parent = f"sessionid={info['session']}; csrftoken={info['csrf']}"
    bodies = str(WORK / info["db"] / "quiz_bodies.txt")
    listed = [
        ("floor: bare view", FLOOR, "/", {}),
        (FLOOR_PAGE, FLOOR, "/page/", {}),
        (FLOOR_STATIC, FLOOR, info["floor_static"], {}),
        ("home (guest)", SITE, "/", {}),
        ("course outline (guest)", SITE, info["outline_url"], {}),
        ("course outline (logged in)", SITE, info["outline_url"], {"cookie": parent}),
        ("lesson page (guest)", SITE, info["lesson_url"], {}),
        ("lesson page (logged in)", SITE, info["lesson_url"], {"cookie": parent}),
        ("quiz page", SITE, info["quiz_url"], {"cookie": parent}),
        ("quiz submission", SITE, info["quiz_url"], {"script": ["bench/quiz_post.lua", bodies, "2", parent]}),
        ("/learning/", SITE, "/learning/", {"cookie": parent}),
        ("static CSS file", SITE, info["site_static"], {}),
    ]  # fmt: skip
    if ONLY:  # while working on some pages: those, and the floor's
        listed = [target for target in listed if target[0].startswith("floor") or any(n in target[0] for n in ONLY)]
    if "dashboard_url" in info and (not ONLY or any("dashboard" in name for name in ONLY)):
        coordinator = f"sessionid={info['coordinator_session']}"
        listed.insert(
            -1,
            (f"school dashboard ({info['families']} families)", SITE, info["dashboard_url"], {"cookie": coordinator}),
        )
    return listed


def measure(database: str, floor: dict) -> dict:
    env, info = prepare_site(database)
    info.update(db=database, floor_static=floor["static"])
    logs = WORK / database
    site = serve(env, "config.wsgi", SITE, logs / "site.log")
    floor_server = serve(floor["env"], "bench.floor.wsgi", FLOOR, logs / "floor.log")
    try:
        info["site_static"] = static_headers(info)["url"]
        check_signed_in(info)
        results: dict = {}
        # A short pass first, discarded: each worker's first requests fill its caches and compile templates.
        for _name, server, path, options in targets(info):
            if not options.get("script"):
                wrk(f"http://{server}{path}", 8, cookie=options.get("cookie", ""), seconds=1)
        # Each submission run posts forms no earlier run posted: a repeated form is a second submit.
        forms = (WORK / database / "quiz_bodies.txt").read_text().count("\n")
        window, windows_used = forms // (REPETITIONS * len(CONNECTIONS)), 0
        floors = {FLOOR_PAGE: f"http://{FLOOR}/page/", FLOOR_STATIC: f"http://{FLOOR}{info['floor_static']}"}
        for repetition in range(REPETITIONS):
            for connections in CONNECTIONS:
                for name, server, path, options in targets(info):
                    if name in floors:
                        continue  # run just before each page of the site instead, below
                    paired = None
                    if server == SITE:
                        # The floor's page (or file) moments before: the machine's speed drifts over a
                        # round, so each ratio compares two runs made together.
                        floor_name = _floor_for(name)
                        paired = wrk(floors[floor_name], connections)
                        results.setdefault((floor_name, connections), []).append(paired)
                        time.sleep(PAUSE)
                    cookie, script = options.get("cookie", ""), options.get("script")
                    if script:
                        script = [*script, str(windows_used * window), str(window)]
                        windows_used += 1
                    outcome = wrk(f"http://{server}{path}", connections, cookie=cookie, script=script)
                    # More requests than forms in the window: the rest were second submits (reported).
                    outcome["forms_reused"] = bool(script) and outcome["rps"] * DURATION > window
                    if paired:
                        outcome.update(floor_rps=paired["rps"], floor_p99=paired["p99"])
                    results.setdefault((name, connections), []).append(outcome)
                    print(f"  {database} rep {repetition + 1} c{connections} {name}: {outcome['rps']:.0f} req/s")
                    time.sleep(PAUSE)  # what the server still had queued is done before the next run
        extra = {
            "weight": page_weight(info),
            "static": static_headers(info),
            "export": csv_export(info, site.pid),
            "integrity": integrity(env, info),
            "invitations": bulk_invitations(env, info),
        }
    finally:
        stop(site)
        stop(floor_server)
    extra["cold_start"] = statistics.median(cold_start(env) for _ in range(REPETITIONS))
    return {"results": results, "extra": extra, "info": info}


def summarise(results: dict) -> dict:
    """Median of the repetitions for each (target, connections); for the site's pages, the median of
    their ratios to the floor run made just before each."""
    summary = {}
    for (name, connections), runs in results.items():
        row = {
            "rps": statistics.median(r["rps"] for r in runs),
            "p50": statistics.median(r["p50"] for r in runs),
            "p99": statistics.median(r["p99"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
            "forms_reused": any(r.get("forms_reused") for r in runs),
        }
        if all("floor_rps" in r for r in runs):
            row["ratio"] = statistics.median(r["rps"] / r["floor_rps"] for r in runs)
            row["p99_ratio"] = statistics.median(r["p99"] / r["floor_p99"] for r in runs)
        summary[name, connections] = row
    return summary


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    )
    postgres = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
                              text=True, capture_output=True).stdout.strip()  # fmt: skip
    django = run([PY, "-c", "import django; print(django.get_version())"]).stdout.strip()
    gunicorn = run([GUNICORN, "--version"]).stdout.strip()
    wrk_version = subprocess.run(["wrk", "--version"], text=True, capture_output=True).stdout.splitlines()[0]
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory / 1024 / 1024:.0f} GiB; {platform.platform()}; "
        f"Python {platform.python_version()}, Django {django}, {gunicorn}, PostgreSQL {postgres}, "
        f"SQLite {sqlite3.sqlite_version}; {wrk_version.split(' Copyright')[0]}"
    )


def report(measured: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Made by `make bench` on {time.strftime('%Y-%m-%d %H:%M %Z')}.",
        f"Machine: {machine()}.",
        f"Each figure is the median of {REPETITIONS} interleaved runs of {DURATION} s (wrk, 2 threads) after a 1 s",
        "warm-up of each page, served by gunicorn as `make serve` runs it. Each run of a page of the site",
        "follows a run of the floor site's page (bench/floor; its file, for static files), and the ratios",
        "are the median of each run's ratio to the floor run just before it; cold start is the median of",
        f"{REPETITIONS} starts.",
        "",
    ]
    failures = []
    for database, data in measured.items():
        summary = summarise(data["results"])
        lines += [
            f"## {database}",
            "",
            "| target | connections | req/s | p50 ms | p99 ms | req/s ÷ floor | p99 ÷ floor | errors |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for (name, connections), row in summary.items():
            base = summary[(_floor_for(name), connections)]
            ratio = row.get("ratio", row["rps"] / base["rps"])
            p99_ratio = row.get("p99_ratio", row["p99"] / base["p99"])
            lines.append(f"| {name} | {connections} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | "
                         f"{ratio:.2f} | {p99_ratio:.2f} | {row['errors']} |")  # fmt: skip
            if connections == 32 and not name.startswith("floor"):
                if ("lesson page" in name or "course outline" in name) and (ratio < 1 or p99_ratio > 1.5):
                    failures.append(
                        f"{database}: {name} at 32 connections: {ratio:.2f}× the floor's req/s, p99 {p99_ratio:.2f}×"
                    )
                if ("quiz" in name or "dashboard" in name or name == "/learning/") and ratio < 0.5:
                    failures.append(f"{database}: {name} at 32 connections: {ratio:.2f}× the floor's req/s")
                if "static" in name and ratio < 0.9:
                    failures.append(f"{database}: static file at {ratio:.2f}× the floor's static file")
            if row["errors"]:
                failures.append(f"{database}: {name} had {row['errors']} errors")
            if row["forms_reused"]:
                failures.append(f"{database}: {name} ran out of fresh quiz forms (some runs measured second submits)")
        extra = data["extra"]
        weight, export, check = extra["weight"], extra["export"], extra["integrity"]
        lines += [
            "",
            f"- Lesson page with its CSS and JS: {weight['raw_kb']:.1f} KB, {weight['gzip_kb']:.1f} KB compressed "
            "(targets 100 KB and 30 KB).",
            f"- Static files: `{extra['static']['url']}` sent with "
            f"`Content-Encoding: {extra['static']['encoding']}` and `Cache-Control: {extra['static']['cache']}`.",
            f"- Cold start of `make serve` to the first 200: {extra['cold_start']:.2f} s (target 2 s).",
            f"- After the run: {check['attempts']} quiz attempts, {check['duplicate_tokens']} duplicated, "
            f"{check['attempts_missing_answers']} missing answers; "
            f"{check['duplicate_completions']} duplicated lesson completions.",
        ]
        if export:
            lines.append(f"- CSV export of {export['rows']} families: {export['seconds']:.2f} s, worker memory grew "
                         f"{export['growth_mb']:.1f} MB (targets 2 s and 50 MB).")  # fmt: skip
            if export["seconds"] >= 2 or export["growth_mb"] >= 50:
                failures.append(f"{database}: CSV export {export['seconds']:.2f} s, {export['growth_mb']:.1f} MB")
        else:
            lines.append("- CSV export: not measured (this build has no school dashboard export).")
        invitations = extra.get("invitations")
        if invitations:
            lines.append(
                f"- A coordinator sends {INVITATIONS} invitations: the page answers in {invitations['seconds']:.2f} s "
                f"(target 1 s; statuses {invitations['statuses']}); one worker then sent "
                f"{invitations['sent']} of the {invitations['queued']} emails in {invitations['drain_seconds']:.0f} s."
            )
            if invitations["seconds"] >= 1 or set(invitations["statuses"]) != {302}:
                failures.append(f"{database}: {INVITATIONS} invitations took {invitations['seconds']:.2f} s to send")
            if invitations["sent"] != invitations["queued"]:
                failures.append(f"{database}: {invitations['sent']} of {invitations['queued']} invitations sent")
        if weight["raw_kb"] > 100 or weight["gzip_kb"] > 30:
            failures.append(f"{database}: lesson page weighs {weight['raw_kb']:.1f} KB / {weight['gzip_kb']:.1f} KB")
        if extra["cold_start"] >= 2:
            failures.append(f"{database}: cold start {extra['cold_start']:.2f} s")
        if check["duplicate_tokens"] or check["attempts_missing_answers"] or check["duplicate_completions"]:
            failures.append(f"{database}: progress rows duplicated or lost: {check}")
        lines.append("")
    lines += ["## Targets", ""]
    lines += [f"- MISSED: {failure}" for failure in failures] or ["- Every target met."]
    findings = ROOT / "bench" / "FINDINGS.md"
    if findings.exists():  # what was slow and what changed, written by hand as the work goes on
        lines += ["", findings.read_text().strip()]
    return "\n".join(lines) + "\n", failures


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    floor = prepare_floor()
    databases = sys.argv[1:] or ["sqlite", "postgresql"]
    measured = {database: measure(database, floor) for database in databases}
    text, failures = report(measured)
    (ROOT / "bench" / "RESULTS.md").write_text(text)
    print(text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
