"""Passkeys and the second factor in a real browser: Chromium's virtual authenticator stands in for a phone.

WebAuthn needs a secure origin and a domain name as its relying party, so these tabs open the live
server as http://localhost (which browsers treat as secure), never as 127.0.0.1.
"""

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.conftest import (
    DESKTOP,
    VIEWPORTS,
    confirm_password_if_asked,
    log_in,
    submit_log_in,
    turn_on_two_step,
)
from tests.factories import make_course, make_school, make_user

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any page script; the browser reports every blocked script, style, image or form here.
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""
# A platform authenticator that holds passkeys and checks the person (fingerprint, face or PIN) by itself.
PHONE_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


@pytest.fixture
def passkey_visit(visit_factory, live_server, settings):
    """A desktop tab at http://localhost with a virtual authenticator, watching for policy violations."""
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server speaks plain HTTP
    visit = visit_factory(DESKTOP)
    visit.base_url = live_server.url.replace("//127.0.0.1:", "//localhost:")
    visit.page.add_init_script(WATCH_VIOLATIONS)
    cdp = visit.page.context.new_cdp_session(visit.page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": PHONE_AUTHENTICATOR})
    return visit


def violations(visit) -> list[str]:
    return visit.page.evaluate("window.cspViolations")


def test_a_parent_adds_a_passkey_and_logs_in_with_it(passkey_visit):
    visit = passkey_visit
    page = visit.page
    parent = make_user(email="moana@example.nz", verified=True)
    log_in(visit, parent.email)

    # From their account page to the passkey form; allauth asks for the password again first.
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Two-step sign-in and passkeys").click()
    keys = page.locator("section").filter(has=page.get_by_role("heading", name="Security Keys"))
    keys.get_by_role("link", name="Add").click()
    confirm_password_if_asked(visit, "/accounts/2fa/webauthn/add/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    visit.assert_accessible()
    assert violations(visit) == []
    # Passwordless: a passkey that is enough on its own to log in.
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add", exact=True).click()

    # Added, with recovery codes made for the day the phone is lost.
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    visit.assert_accessible()
    assert violations(visit) == []
    passkey = Authenticator.objects.get(user=parent, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless is True
    assert Authenticator.objects.filter(user=parent, type=Authenticator.Type.RECOVERY_CODES).exists()

    # Logged out, they log in with the passkey alone: no email, no password.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(visit.base_url + "/")
    visit.goto("/accounts/login/")
    assert violations(visit) == []
    page.get_by_role("button", name="Log in with a passkey").click()
    page.wait_for_url("**/learning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert violations(visit) == []
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # With the password, the passkey is now asked for as the second step.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(visit.base_url + "/")
    visit.goto("/accounts/login/")
    submit_log_in(visit, parent.email)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    visit.assert_accessible()
    assert violations(visit) == []
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url("**/learning/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert violations(visit) == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_coordinator_sets_up_a_second_factor_before_the_dashboard(visit_factory, viewport):
    make_course(slug="safe", modules=1)
    coordinator = make_user(email="office@rimu.school.nz", verified=True)
    make_school(name="Rimu School", slug="rimu", coordinators=[coordinator])
    visit = visit_factory(viewport)
    page = visit.page
    log_in(visit, coordinator.email)

    # Without a second factor the dashboard sends them to set one up, and says why.
    visit.goto("/schools/rimu/")
    page.wait_for_url("**/accounts/2fa/")
    assert not Authenticator.objects.filter(user=coordinator).exists()
    turn_on_two_step(visit)
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()

    # With one, the dashboard opens.
    visit.goto("/schools/rimu/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rimu School")
    visit.assert_accessible()
