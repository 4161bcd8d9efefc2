"""Real-browser tests: Playwright driving Debian's Chromium against the live test server.

Every page a test visits is checked with axe-core, its console is watched for errors, and any
request to another host is refused and recorded, so a test fails if a page reaches outside.
"""

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from playwright.sync_api import expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.factories import PASSWORD
from tests.mail import sent_mail

# Playwright's sync API runs an event loop in the test's thread; the ORM is safe to use here all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
REAUTHENTICATE = "/accounts/reauthenticate/"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


def _no_static_handler(handler):
    return handler


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    """The test server, with WhiteNoise serving static files as in production.

    pytest-django's own live server puts Django's development static handler in front, which
    knows nothing of the hashed, compressed names our pages link to.
    """
    with django_db_blocker.unblock():
        server = LiveServer("127.0.0.1", start=False)
        server.thread.static_handler = _no_static_handler
        server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser tab for a test: what it requested elsewhere and what its console said."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.outside_requests: list[str] = []
        self.console_errors: list[str] = []
        self.fake_outside_hosts: set[str] = set()

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.status < 400, f"{path} answered {response.status}"
        return response

    def assert_accessible(self):
        """axe-core finds no WCAG 2.2 A or AA violation on the page as it is now."""
        # After a click, the new page can be in the DOM before its stylesheet has loaded: judge it styled.
        self.page.wait_for_load_state("load")
        self.page.evaluate(AXE_SCRIPT)
        options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]})
        results = self.page.evaluate(f"axe.run(document, {options})")
        problems = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} at "
            + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            for violation in results["violations"]
        ]
        assert not problems, f"axe on {self.page.url}:\n" + "\n".join(problems)

    def _route(self, route):
        url = route.request.url
        host = urlsplit(url).hostname
        if host in LOCAL_HOSTS or url.startswith(("data:", "about:")):
            route.continue_()
        elif host in self.fake_outside_hosts:
            # A stand-in for a site we deliberately link to, so a test can follow the link offline.
            route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Elsewhere</title>")
        else:
            self.outside_requests.append(url)
            route.abort()


@pytest.fixture
def visit_factory(browser, live_server):
    """Opens tabs at a given viewport (and with or without JavaScript); checks them when the test ends."""
    contexts, visits = [], []

    def open_visit(viewport=PHONE, *, javascript=True) -> Visit:
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript, locale="en-NZ")
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page, live_server.url)
        page.route("**/*", visit._route)
        page.on("console", lambda message: message.type == "error" and visit.console_errors.append(message.text))
        page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
        visits.append(visit)
        return visit

    yield open_visit
    for visit in visits:
        assert not visit.outside_requests, f"requests left 127.0.0.1: {visit.outside_requests}"
        assert not visit.console_errors, f"browser console errors: {visit.console_errors}"
    for context in contexts:
        context.close()


@pytest.fixture(params=VIEWPORTS)
def visit(request, visit_factory):
    """A tab at each of the phone and desktop sizes."""
    return visit_factory(request.param)


def two_step_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`, fresh enough to be still good when it arrives."""
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < 3:  # allauth accepts only the current period's code
        time.sleep(left)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def confirm_password_if_asked(visit: Visit, destination: str) -> None:
    """allauth asks for the password again before a change to how someone signs in: give it if asked.

    Waits until the browser is at `destination` (a path), directly or through that question.
    """
    page = visit.page
    page.wait_for_url(lambda url: urlsplit(url).path in {REAUTHENTICATE, destination})
    if urlsplit(page.url).path == REAUTHENTICATE:
        visit.assert_accessible()
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(f"**{destination}")


def turn_on_two_step(visit: Visit) -> None:
    """From /accounts/2fa/, where a page that needs a second factor sends someone: add an authenticator app.

    Ends on the page of recovery codes that allauth shows once the app is added.
    """
    page = visit.page
    page.wait_for_url("**/accounts/2fa/")
    expect(page.get_by_text("This page needs two-step sign-in.")).to_be_visible()
    visit.assert_accessible()
    app = page.locator("section").filter(has=page.get_by_role("heading", name="Authenticator App"))
    app.get_by_role("link", name="Activate").click()
    confirm_password_if_asked(visit, "/accounts/2fa/totp/activate/")
    visit.assert_accessible()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(two_step_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    expect(page.get_by_label("Unused codes")).not_to_be_empty()
    visit.assert_accessible()


def log_in(visit: Visit, email: str) -> None:
    """Log in through the form with the test password, landing on My learning."""
    visit.goto("/accounts/login/")
    submit_log_in(visit, email)
    visit.page.wait_for_url("**/learning/")


def submit_log_in(visit: Visit, email: str) -> None:
    """On the log-in page: `email`, the test password, and the button."""
    visit.page.get_by_label("Email").fill(email)
    visit.page.get_by_label("Password").fill(PASSWORD)
    visit.page.get_by_role("button", name="Log in", exact=True).click()


def confirm_email(visit: Visit, address: str) -> None:
    """Open the newest confirmation link emailed to `address` and press its button."""
    bodies = [message.body for message in sent_mail() if address in message.to]
    assert bodies, f"no email to {address}"
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", bodies[-1]).group(1)
    visit.goto(link)
    visit.assert_accessible()
    visit.page.get_by_role("button", name="Confirm").click()
