"""Two-step sign-in: required for staff before the admin, optional for parents, codes used once."""

import base64
import re

import pytest

from accounts import two_factor
from accounts.models import RecoveryCode, TwoFactorDevice
from tests.factories import PASSWORD, make_staff, make_user

pytestmark = pytest.mark.django_db

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def test_codes_match_the_rfc_6238_test_vectors():
    # RFC 6238, appendix B (SHA-1), truncated to 6 digits.
    assert two_factor.code_at(RFC_SECRET, 59 // 30) == "287082"
    assert two_factor.code_at(RFC_SECRET, 1111111109 // 30) == "081804"
    assert two_factor.code_at(RFC_SECRET, 2000000000 // 30) == "279037"


@pytest.fixture
def device():
    user = make_user()
    device = two_factor.start_setup(user)
    return device


def test_a_code_works_once_and_near_in_time(device):
    now = 1_700_000_000
    step = two_factor.current_step(now)
    assert not two_factor.verify_code(device, "12345x", now=now)
    assert two_factor.verify_code(device, two_factor.code_at(device.secret, step - 1), now=now)
    device.refresh_from_db()
    assert not two_factor.verify_code(device, two_factor.code_at(device.secret, step - 1), now=now)
    assert two_factor.verify_code(device, two_factor.code_at(device.secret, step), now=now)
    device.refresh_from_db()
    assert not two_factor.verify_code(device, two_factor.code_at(device.secret, step + 5), now=now)


def test_setting_up_needs_a_right_code_and_gives_recovery_codes(device):
    assert two_factor.confirm_setup(device, "not a code") is None
    device.refresh_from_db()
    codes = two_factor.confirm_setup(device, two_factor.code_at(device.secret, two_factor.current_step()))
    assert len(codes) == 10
    assert two_factor.is_enabled(device.user)
    assert not any(code in recovery.code_hash for code in codes for recovery in RecoveryCode.objects.all())


def test_a_recovery_code_works_once(device):
    codes = two_factor.confirm_setup(device, two_factor.code_at(device.secret, two_factor.current_step()))
    assert two_factor.check_second_factor(device.user, codes[0].upper())
    assert not two_factor.check_second_factor(device.user, codes[0])


def enable(user):
    device = two_factor.start_setup(user)
    two_factor.confirm_setup(device, two_factor.code_at(device.secret, two_factor.current_step() - 1))
    return TwoFactorDevice.objects.get(user=user)


def test_staff_are_sent_to_set_it_up_before_the_admin(client):
    client.force_login(make_staff())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/?next=%2Fadmin%2F"
    assert "Turn on two-step sign-in" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("script_name", ["/x", "/admin", ""])
def test_no_script_prefix_lets_staff_past_the_second_step(client, script_name):
    client.force_login(make_staff())
    for _ in range(2):  # and a first request with a prefix changes nothing for the next
        assert client.get("/admin/accounts/user/", SCRIPT_NAME=script_name).status_code == 302
        assert client.get("/admin/accounts/user/").status_code == 302


def test_log_in_with_two_factor_needs_the_code_before_the_session_is_logged_in(client):
    user = make_user(email="twofa@example.nz")
    device = enable(user)
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/two-factor/verify/"
    assert client.get("/accounts/profile/").status_code == 302
    response = client.post("/accounts/two-factor/verify/", {"code": "000000"})
    assert "That code did not work" in response.content.decode()
    client.post(
        "/accounts/two-factor/verify/", {"code": two_factor.code_at(device.secret, two_factor.current_step() + 1)}
    )
    assert client.get("/accounts/profile/").status_code == 200


def test_staff_with_two_factor_reach_the_admin_after_the_code(client):
    staff = make_staff(email="boss@example.nz")
    device = enable(staff)
    client.post("/accounts/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"})
    response = client.post(
        "/accounts/two-factor/verify/", {"code": two_factor.code_at(device.secret, two_factor.current_step() + 1)}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admins_log_in_page_signs_nobody_in_and_sends_to_the_sites(client):
    """A password posted to the admin's own log-in must not make a session that skips the second step."""
    staff = make_staff(email="boss@example.nz")
    enable(staff)
    response = client.post("/admin/login/?next=/admin/accounts/user/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/accounts/user/"
    assert "_auth_user_id" not in client.session
    for page in ("/accounts/profile/", "/accounts/my-data/", "/accounts/email/", "/accounts/delete/"):
        assert client.get(page)["Location"].startswith("/accounts/login/")
    # And a `next` elsewhere is not followed.
    assert client.get("/admin/login/?next=https://example.com/")["Location"] == "/accounts/login/?next=/admin/"


def test_the_verify_page_without_a_pending_log_in_asks_to_log_in_again(client):
    assert client.get("/accounts/two-factor/verify/")["Location"] == "/accounts/login/"


def test_setup_page_draws_its_qr_code_here(client):
    client.force_login(make_user())
    html = client.get("/accounts/two-factor/").content.decode()
    assert "<svg" in html
    assert re.search(r'<code class="secret">[A-Z2-7]{32}</code>', html)
