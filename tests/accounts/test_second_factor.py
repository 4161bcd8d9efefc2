"""The second step at log-in (allauth's MFA): required for staff and coordinators, optional for parents."""

import base64
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth.hashers import make_password

from tests.factories import PASSWORD, enable_totp, make_staff, make_user

pytestmark = pytest.mark.django_db


def code_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def log_in(client, user, **extra):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD, **extra})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_without_a_second_factor_are_sent_to_set_one_up_before_the_admin(client):
    client.force_login(make_staff())
    response = client.get("/admin/")
    assert response["Location"] == "/accounts/2fa/"
    assert "needs two-step sign-in" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("script_name", ["/x", "/admin", ""])
def test_no_script_prefix_lets_staff_past_the_second_factor(client, script_name):
    client.force_login(make_staff())
    for _ in range(2):  # and a first request with a prefix changes nothing for the next
        assert client.get("/admin/accounts/user/", SCRIPT_NAME=script_name).status_code == 302
        assert client.get("/admin/accounts/user/").status_code == 302


def test_log_in_with_an_authenticator_app_needs_its_code_before_the_session_is_signed_in(client):
    user = make_user(email="twofa@example.nz", verified=True)
    secret = enable_totp(user)
    assert log_in(client, user)["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)
    assert client.get("/accounts/profile/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "Incorrect code" in response.content.decode()
    assert not signed_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": code_now(secret)})
    assert client.get("/accounts/profile/").status_code == 200


def test_staff_with_an_authenticator_app_reach_the_admin_after_the_code(client):
    staff = make_staff(email="boss@example.nz")
    secret = enable_totp(staff)
    log_in(client, staff, next="/admin/")
    response = client.post("/accounts/2fa/authenticate/", {"code": code_now(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admins_log_in_page_signs_nobody_in_and_sends_to_the_sites(client):
    """A password posted to the admin's own log-in must not make a session that skips the second step."""
    staff = make_staff(email="boss@example.nz")
    enable_totp(staff)
    response = client.post("/admin/login/?next=/admin/accounts/user/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    assert not signed_in(client)
    for page in ("/accounts/profile/", "/accounts/my-data/", "/accounts/email/", "/accounts/delete/"):
        assert client.get(page)["Location"].startswith("/accounts/login/")


def test_the_setup_page_draws_its_qr_code_here(client):
    log_in(client, make_user(verified=True))
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # asked again before any change of factors
    html = client.get("/accounts/2fa/totp/activate/").content.decode()
    # Drawn here, as an image from a data: address: nothing about the secret goes to another site.
    data = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(data).startswith(b"<svg")
    # The secret can be reached from the keyboard and copied: read-only, not disabled.
    secret_input = re.search(r'<input type="text"[^>]*id="authenticator_secret"[^>]*>', html).group(0)
    assert " readonly" in secret_input
    assert "disabled" not in secret_input


def test_a_recovery_code_from_before_allauth_works_once(client):
    """Codes made before the move were kept as hashes (migration 0005): each still signs in, once."""
    user = make_user(verified=True)
    enable_totp(user)
    Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": (1 << 10) - 1, "hashed_codes": [make_password("1a2b3c-4d5e6f")]},
    )
    log_in(client, user)
    client.post("/accounts/2fa/authenticate/", {"code": " 1A2B3C-4D5E6F "})
    assert signed_in(client)
    client.post("/accounts/logout/")
    log_in(client, user)
    response = client.post("/accounts/2fa/authenticate/", {"code": "1a2b3c-4d5e6f"})
    assert "Incorrect code" in response.content.decode()
    assert not signed_in(client)
