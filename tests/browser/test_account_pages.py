"""Every account page a person can reach (allauth's and ours), in a real browser at phone and desktop sizes.

Each has one heading, the quick exit, no `autofocus` (which skips a screen reader past the start of the
page) and no axe-core violation; the `visit` fixture fails the test on any console error.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import REAUTHENTICATE, confirm_email, log_in, submit_log_in, two_step_code
from tests.factories import PASSWORD, enable_totp, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a different and longer passphrase"


def check(visit, path: str) -> None:
    """The browser is at `path` (a path, or a pattern for one) and the page there is one a person can use."""
    page = visit.page
    page.wait_for_url(re.compile(f"^{re.escape(visit.base_url)}{path}(\\?.*)?$"))
    assert page.locator("h1").count() == 1, page.url
    expect(page.get_by_role("link", name="Quick exit")).to_be_visible()
    assert page.locator("[autofocus]").count() == 0, f"autofocus on {page.url}"
    visit.assert_accessible()


def test_sign_up_log_in_and_password_reset_pages_are_accessible(visit):
    page = visit.page
    visit.goto("/accounts/login/")
    check(visit, "/accounts/login/")

    # Sign up: the confirmation is emailed first; its link and button log the new parent in.
    visit.goto("/accounts/signup/")
    check(visit, "/accounts/signup/")
    page.get_by_label("Email").fill("wiremu@example.nz")
    page.get_by_label("Your first name").fill("Wiremu")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    check(visit, "/accounts/confirm-email/")
    confirm_email(visit, "wiremu@example.nz")
    check(visit, "/learning/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(visit.base_url + "/")

    # Forgotten password: the form, its "sent" page, the emailed link's form and its "done" page.
    visit.goto("/accounts/password/reset/")
    check(visit, "/accounts/password/reset/")
    page.get_by_label("Email").fill("wiremu@example.nz")
    page.get_by_role("button", name="Reset My Password").click()
    check(visit, "/accounts/password/reset/done/")
    body = sent_mail()[-1].body
    assert sent_mail()[-1].to == ["wiremu@example.nz"]
    visit.goto(re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body).group(1))
    check(visit, "/accounts/password/reset/key/[^/]+-set-password/")
    page.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    check(visit, "/accounts/password/reset/key/done/")

    # The new password works.
    visit.goto("/accounts/login/")
    page.get_by_label("Email").fill("wiremu@example.nz")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url("**/learning/")


def test_a_signed_in_parents_account_pages_are_accessible(visit):
    make_user(email="ana@example.nz", verified=True)
    page = visit.page
    log_in(visit, "ana@example.nz")
    for path in [
        "/accounts/profile/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/delete/",
        "/accounts/2fa/",
    ]:
        visit.goto(path)
        check(visit, path)

    # Adding an authenticator app asks for the password again first, then shows the recovery codes.
    visit.goto("/accounts/2fa/totp/activate/")
    check(visit, REAUTHENTICATE)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    check(visit, "/accounts/2fa/totp/activate/")
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(two_step_code(secret))
    page.get_by_role("button", name="Activate").click()
    check(visit, "/accounts/2fa/recovery-codes/")

    # With the app on: the overview, turning it off, new codes, a passkey, and asking again by code.
    for path in [
        "/accounts/2fa/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/2fa/reauthenticate/",
        REAUTHENTICATE,
    ]:
        visit.goto(path)
        check(visit, path)


def test_the_passkey_list_is_accessible(visit):
    make_user(email="rangi@example.nz", verified=True)
    log_in(visit, "rangi@example.nz")
    visit.goto("/accounts/2fa/webauthn/")
    check(visit, "/accounts/2fa/webauthn/")


def test_the_second_step_at_log_in_is_accessible(visit):
    user = make_user(email="hemi@example.nz", verified=True)
    secret = enable_totp(user)
    page = visit.page
    visit.goto("/accounts/login/")
    submit_log_in(visit, user.email)
    check(visit, "/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(two_step_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/learning/")
    assert urlsplit(page.url).path == "/learning/"
