"""Scale-out: two gunicorn servers sharing one PostgreSQL and one Redis act as one site."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PG = ["-h", "127.0.0.1", "-U", "postgres"]
PASSWORD = "a long and memorable passphrase"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser: cookies kept by hand (the site's are Secure, behind a TLS proxy)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, url: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {"X-Forwarded-Proto": "https", "Cookie": cookie, **(headers or {})}
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        if body is not None:
            headers["Referer"] = url.replace("http://", "https://", 1)
        try:
            response = self.opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.read().decode()

    def log_in(self, server: str, email: str, password: str) -> tuple[int, str]:
        _, page = self.request(f"{server}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(
            f"{server}/accounts/login/", {"csrfmiddlewaretoken": token, "login": email, "password": password}
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site():
    database = f"sof_two_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", *PG, database], check=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SECRET_KEY="two-servers-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{9}",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_WORKERS="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    # Accounts whose addresses are confirmed, as a log-in needs.
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.core.cache import cache; cache.clear(); from accounts.models import User; "
         "from allauth.account.models import EmailAddress; "
         f"users = [User.objects.create_user(e, '{PASSWORD}') for e in ('one@example.nz', 'two@example.nz')]; "
         f"users.append(User.objects.create_superuser('staff@example.nz', '{PASSWORD}')); "
         "[EmailAddress.objects.create(user=u, email=u.email, primary=True, verified=True) for u in users]"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    servers = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [GUNICORN, "config.wsgi", "--config", "config/gunicorn.conf.py"],
            cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        servers.append((f"http://127.0.0.1:{port}", process))
    try:
        for url, _process in servers:
            wait_until_healthy(url)
        yield [url for url, _ in servers]
    finally:
        for _url, process in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", database], check=True)


def wait_until_healthy(url: str) -> None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never became healthy")


def test_a_log_in_on_one_server_is_honoured_by_the_other(site):
    first, second = site
    browser = Browser()
    status, _ = browser.log_in(first, "one@example.nz", PASSWORD)
    assert status == 302
    status, page = browser.request(f"{second}/accounts/profile/")
    assert status == 200
    assert "one@example.nz" in page


def test_failed_log_ins_counted_on_one_server_lock_the_account_on_the_other(site):
    first, second = site
    for _attempt in range(5):
        status, _ = Browser().log_in(first, "two@example.nz", "not the password")
        assert status == 200
    status, page = Browser().log_in(second, "two@example.nz", PASSWORD)
    assert status == 200
    assert "Too many" in page


def test_a_password_changed_on_one_server_ends_a_session_the_other_has_cached(site):
    first, second = site
    laptop, phone = Browser(), Browser()
    assert laptop.log_in(first, "one@example.nz", PASSWORD)[0] == 302
    assert phone.log_in(second, "one@example.nz", PASSWORD)[0] == 302
    assert phone.request(f"{second}/accounts/profile/")[0] == 200  # the second server now keeps the user
    _, form = laptop.request(f"{first}/accounts/password/change/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    new = "another long and memorable passphrase"
    fields = {"csrfmiddlewaretoken": token, "oldpassword": PASSWORD, "password1": new, "password2": new}
    assert laptop.request(f"{first}/accounts/password/change/", fields)[0] == 302
    status, _ = phone.request(f"{second}/accounts/profile/")
    assert status == 302
    assert laptop.request(f"{first}/accounts/profile/")[0] == 200


def test_a_script_name_header_changes_no_link_and_opens_no_admin_page(site):
    """gunicorn trusts no SCRIPT_NAME from a request (even one from 127.0.0.1, as a proxy's would be)."""
    one, two = site
    staff, parent = Browser(), Browser()
    staff.log_in(one, "staff@example.nz", PASSWORD)  # the password only: no second step yet
    parent.log_in(two, "two@example.nz", PASSWORD)
    prefixed = {"Script-Name": "/x", "SCRIPT_NAME": "/x"}
    for server in (one, two):
        for path in ("/x/learning/", "/learning/", "/x/admin/accounts/user/", "/admin/accounts/user/"):
            status, page = staff.request(f"{server}{path}", headers=prefixed)
            assert "Select user to change" not in page, (server, path, status)
            assert not re.search(r'(href|action)="/x/', page), (server, path)
        for path in ("/learning/", "/", "/help/"):
            status, page = parent.request(f"{server}{path}")
            assert status == 200, (server, path)
            assert not re.search(r'(href|action)="/x/', page), (server, path)
    status, _ = staff.request(f"{one}/admin/accounts/user/")
    assert status == 302
