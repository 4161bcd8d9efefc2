"""Migrations of accounts: everyone can still log in with the address, password and codes they know."""

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_LOWER_CASE = ("accounts", "0003_two_factor")
BEFORE_ALLAUTH = ("accounts", "0004_addresses_in_lower_case")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def migrate_to(target):
    """Migrate accounts to `target` (None: the latest); the models as they were there."""
    executor = MigrationExecutor(connection)
    targets = [target] if target else executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_afterwards():
    yield
    migrate_to(None)


def log_in(email, code=None) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[-2000:]
    if code is not None:
        assert response["Location"] == "/accounts/2fa/authenticate/"
        client.post("/accounts/2fa/authenticate/", {"code": code})
    return client


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_addresses_move_to_lower_case_and_still_log_in(latest_afterwards):
    old = migrate_to(BEFORE_LOWER_CASE)
    old.get_model("accounts", "User").objects.create(
        email="Aroha.Smith@Example.NZ", password=make_password(PASSWORD), email_verified_at=timezone.now()
    )
    migrate_to(None)
    from accounts.models import User

    assert User.objects.get().email == "aroha.smith@example.nz"
    for typed in ("Aroha.Smith@Example.NZ", "aroha.smith@example.nz"):
        assert signed_in(log_in(typed))


def test_a_confirmed_address_an_authenticator_app_and_recovery_codes_keep_working(latest_afterwards):
    old = migrate_to(BEFORE_ALLAUTH)
    user = old.get_model("accounts", "User").objects.create(
        email="mere@example.nz", password=make_password(PASSWORD), email_verified_at=timezone.now()
    )
    old.get_model("accounts", "TwoFactorDevice").objects.create(user=user, secret=SECRET, confirmed_at=timezone.now())
    codes = old.get_model("accounts", "RecoveryCode").objects
    codes.create(user=user, code_hash=make_password("aaaaaa-bbbbbb"))
    codes.create(user=user, code_hash=make_password("cccccc-dddddd"), used_at=timezone.now())
    unconfirmed = old.get_model("accounts", "User").objects.create(
        email="new@example.nz", password=make_password(PASSWORD)
    )
    migrate_to(None)
    from accounts.models import User

    assert User.objects.get(pk=user.pk).email_verified
    assert not User.objects.get(pk=unconfirmed.pk).email_verified
    code = format_hotp_value(hotp_value(SECRET, next(yield_hotp_counters_from_time())))
    assert signed_in(log_in("mere@example.nz", code))
    assert signed_in(log_in("mere@example.nz", "aaaaaa-bbbbbb"))
    assert not signed_in(log_in("mere@example.nz", "aaaaaa-bbbbbb"))  # once only
    assert not signed_in(log_in("mere@example.nz", "cccccc-dddddd"))  # used before the move


def test_the_move_to_allauth_goes_back_too(latest_afterwards):
    migrate_to(None)
    from allauth.mfa.models import Authenticator

    from tests.factories import enable_totp, make_user

    user = make_user(email="hine@example.nz", verified=True)
    enable_totp(user)
    Authenticator.objects.create(
        user=user, type="recovery_codes", data={"seed": "ab", "used_mask": 0, "hashed_codes": ["hash"]}
    )
    old = migrate_to(BEFORE_ALLAUTH)
    back = old.get_model("accounts", "User").objects.get(pk=user.pk)
    assert back.email_verified_at is not None
    assert old.get_model("accounts", "TwoFactorDevice").objects.get(user=back).confirmed_at is not None
    assert list(old.get_model("accounts", "RecoveryCode").objects.values_list("code_hash", flat=True)) == ["hash"]
