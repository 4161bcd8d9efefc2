"""Throttling: wrong passwords per account and per network, password-reset and sign-up requests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from accounts import throttling, two_factor
from accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent

INVALID = "Please enter a correct"
TOO_MANY = "Too many attempts. Please try again in"


@pytest.fixture
def clock(monkeypatch):
    """Moves throttling's clock on without sleeping."""

    class Clock:
        now = 1_900_000_000.0

        def advance(self, seconds):
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(throttling, "now", lambda: clock.now)
    return clock


@pytest.fixture
def small_limits(monkeypatch):
    """Network limits of 3, so tests need not make 50 requests (the real ones are checked apart)."""
    for name in ["LOGIN_PER_NETWORK", "RESET_PER_NETWORK", "SIGNUP_PER_NETWORK"]:
        limit = getattr(throttling, name)
        monkeypatch.setattr(throttling, name, limit._replace(attempts=3))


def log_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_six_wrong_passwords_lock_the_account(client, clock):
    user = make_user()
    for _attempt in range(5):
        response = log_in(client, user.email, "not the password")
        assert INVALID in response.content.decode()
    response = log_in(client, user.email, "still not the password")
    assert response.status_code == 200
    assert "Too many attempts. Please try again in 15 minutes." in response.content.decode()


def test_right_password_is_refused_until_the_cool_off_ends(client, clock):
    user = make_user()
    for _attempt in range(5):
        log_in(client, user.email, "not the password")

    response = log_in(client, user.email)
    assert "Too many attempts. Please try again in 15 minutes." in response.content.decode()
    assert not logged_in(client)

    clock.advance(14 * 60 + 30)
    response = log_in(client, user.email)
    assert "Too many attempts. Please try again in 1 minute." in response.content.decode()
    assert not logged_in(client)

    clock.advance(31)
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_lock_ignores_the_case_of_the_address(client, clock):
    make_user(email="mere@example.nz")
    for _attempt in range(5):
        log_in(client, "Mere@Example.NZ", "not the password")
    assert TOO_MANY in log_in(client, "mere@example.nz").content.decode()


def test_a_success_resets_the_count(client, clock):
    user = make_user()
    for _attempt in range(4):
        log_in(client, user.email, "not the password")
    assert log_in(client, user.email).status_code == 302
    client.post("/accounts/logout/")
    for _attempt in range(4):
        assert INVALID in log_in(client, user.email, "not the password").content.decode()
    assert log_in(client, user.email).status_code == 302


def test_an_address_without_an_account_is_locked_the_same_way(client, clock):
    for _attempt in range(5):
        assert INVALID in log_in(client, "nobody@example.nz", "guess").content.decode()
    assert TOO_MANY in log_in(client, "nobody@example.nz", "guess").content.decode()


def test_one_parents_mistakes_do_not_lock_out_others_on_the_same_network(client, clock):
    careless, other = make_user(), make_user()
    for _attempt in range(6):
        log_in(client, careless.email, "not the password")
    assert log_in(Client(), other.email).status_code == 302


def test_the_real_network_limit_is_loose():
    assert throttling.LOGIN_PER_ACCOUNT.attempts == 5
    assert throttling.LOGIN_PER_ACCOUNT.period == 15 * 60
    assert throttling.LOGIN_PER_NETWORK.attempts >= 50
    assert throttling.SIGNUP_PER_NETWORK.attempts >= 30


def test_many_failures_from_one_network_pause_its_log_ins(client, clock, small_limits):
    user = make_user()
    for number in range(3):
        log_in(client, f"guess{number}@example.nz", "guess")
    response = log_in(client, user.email)
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)
    assert log_in(Client(REMOTE_ADDR="198.51.100.20"), user.email).status_code == 302


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(clock, small_limits, settings):
    settings.TRUSTED_PROXY_HEADER = ""
    user = make_user()
    for number in range(3):
        # Each claims to be someone else, but they all come from the same connection.
        log_in(Client(), f"guess{number}@example.nz", "guess", headers={"X-Forwarded-For": f"203.0.113.{number}"})
    response = log_in(Client(), user.email, headers={"X-Forwarded-For": "203.0.113.99"})
    assert TOO_MANY in response.content.decode()


def test_the_trusted_proxy_header_tells_networks_apart(clock, small_limits, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    user = make_user()
    for number in range(3):
        # A client may put anything on the left; our proxy adds the address it saw on the right.
        forwarded = f"198.51.100.{number}, 203.0.113.7"
        log_in(Client(), f"guess{number}@example.nz", "guess", headers={"X-Forwarded-For": forwarded})
    locked = log_in(Client(), user.email, headers={"X-Forwarded-For": "203.0.113.7"})
    assert TOO_MANY in locked.content.decode()
    elsewhere = log_in(Client(), user.email, headers={"X-Forwarded-For": "203.0.113.7, 203.0.113.8"})
    assert elsewhere.status_code == 302


@pytest.mark.parametrize(
    ("trusted", "meta", "expected"),
    [
        ("", {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "10.1.2.3"),
        ("HTTP_X_FORWARDED_FOR", {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8"}, "5.6.7.8"),
        ("HTTP_X_FORWARDED_FOR", {"REMOTE_ADDR": "10.1.2.3"}, "10.1.2.3"),
        ("HTTP_X_FORWARDED_FOR", {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.1.2.3"),
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_REAL_IP": "5.6.7.8"}, "5.6.7.8"),
        ("", {"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2::/64"),
        # IPv4 clients of a proxy that listens on IPv6 are each their own network, not one /64.
        ("", {"REMOTE_ADDR": "::ffff:198.51.100.7"}, "198.51.100.7"),
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_REAL_IP": "::ffff:203.0.113.9"}, "203.0.113.9"),
        ("", {"REMOTE_ADDR": ""}, ""),
    ],
)
def test_client_address(settings, trusted, meta, expected):
    settings.TRUSTED_PROXY_HEADER = trusted
    request = RequestFactory().get("/")
    request.META.update(meta)
    assert throttling.client_ip(request) == expected


def test_mapped_ipv4_clients_are_throttled_one_by_one(clock, small_limits):
    """Behind a proxy that listens on IPv6, one IPv4 client's failures pause only that client."""
    user = make_user()
    for number in range(3):
        log_in(Client(REMOTE_ADDR="::ffff:198.51.100.1"), f"guess{number}@example.nz", "guess")
    assert TOO_MANY in log_in(Client(REMOTE_ADDR="::ffff:198.51.100.1"), user.email).content.decode()
    assert log_in(Client(REMOTE_ADDR="::ffff:198.51.100.2"), user.email).status_code == 302


def test_guessing_join_codes_is_limited_per_network(clock):
    from tests.factories import make_school

    school = make_school()
    guesser, family = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    for number in range(throttling.JOIN_CODE_PER_NETWORK.attempts):
        assert guesser.get(f"/join/GUESS{number:04d}/").status_code == 404
    # Now even the right code says nothing from that network, until the cool-off ends.
    refused = guesser.get(f"/join/{school.join_code}/")
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert family.get(f"/join/{school.join_code}/").status_code == 302  # to sign up first
    clock.advance(throttling.JOIN_CODE_PER_NETWORK.period + 1)
    assert guesser.get(f"/join/{school.join_code}/").status_code == 302


def request_reset(client, email):
    return client.post("/accounts/password_reset/", {"email": email})


@pytest.mark.parametrize("has_account", [True, False])
def test_password_resets_per_address_are_limited_alike_for_every_address(client, clock, has_account):
    email = make_user().email if has_account else "nobody@example.nz"
    for _request in range(5):
        assert request_reset(client, email).status_code == 302
    response = request_reset(client, email)
    assert response.status_code == 200
    assert "Too many attempts. Please try again in 60 minutes." in response.content.decode()
    assert len(mail.outbox) == (5 if has_account else 0)


def test_password_resets_from_one_network_stop_sending_but_look_the_same(client, clock, small_limits):
    users = [make_user() for _ in range(4)]
    for user in users:
        response = request_reset(client, user.email)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 3
    request_reset(Client(REMOTE_ADDR="198.51.100.20"), users[3].email)
    assert len(mail.outbox) == 4


def sign_up(client, email):
    return client.post("/signup/", {"email": email, "display_name": "Hine", "password": "kumara and puha for tea"})


def test_sign_ups_from_one_network_are_limited(client, clock, small_limits):
    for number in range(3):
        assert sign_up(Client(), f"new{number}@example.nz").status_code == 302
    response = sign_up(client, "one-more@example.nz")
    assert response.status_code == 200
    assert "Too many attempts. Please try again in 60 minutes." in response.content.decode()
    assert not User.objects.filter(email="one-more@example.nz").exists()
    assert sign_up(Client(REMOTE_ADDR="198.51.100.20"), "one-more@example.nz").status_code == 302


def test_guessing_the_second_step_code_is_limited_per_account(client, clock):
    user = make_user(email="coord@example.nz")
    device = two_factor.start_setup(user)
    # Set up with the previous step's code, so the current one is still unused for the log-in below.
    two_factor.confirm_setup(device, two_factor.code_at(device.secret, two_factor.current_step() - 1))
    assert log_in(client, user.email)["Location"].startswith("/accounts/two-factor/verify/")
    right = two_factor.code_at(device.secret, two_factor.current_step())
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    for _attempt in range(5):
        response = client.post("/accounts/two-factor/verify/", {"code": wrong})
        assert "That code did not work" in response.content.decode()
    refused = client.post("/accounts/two-factor/verify/", {"code": right})
    assert TOO_MANY in refused.content.decode()
    assert not logged_in(client)
    clock.advance(15 * 60 + 1)
    assert client.post("/accounts/two-factor/verify/", {"code": right}).status_code == 302
    assert logged_in(client)


def test_asking_again_for_the_password_counts_towards_the_lock(client, clock):
    user = make_user(email="reauth@example.nz")
    client.force_login(user)
    for _attempt in range(5):
        client.post("/accounts/delete/", {"password": "wrong guess", "confirm": "on"})
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert TOO_MANY in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    client.logout()
    assert TOO_MANY in log_in(client, user.email).content.decode()


@pytest.mark.parametrize(
    ("seconds", "message"),
    [
        (1, "Too many attempts. Please try again in 1 minute."),
        (60, "Too many attempts. Please try again in 1 minute."),
        (61, "Too many attempts. Please try again in 2 minutes."),
        (900, "Too many attempts. Please try again in 15 minutes."),
    ],
)
def test_the_message_says_when_to_try_again(seconds, message):
    assert throttling.try_again_message(seconds) == message


def test_a_count_that_expired_mid_way_starts_again(monkeypatch):
    limit = throttling.Limit("test", 2, 60)

    def gone(key, delta=1, version=None):
        raise ValueError(key)

    monkeypatch.setattr(throttling.cache, "incr", gone)
    throttling.hit(limit, "someone")
    assert throttling.wait(limit, "someone") == 0


def test_with_redis_every_process_sees_the_same_counts(settings, redis_url):
    settings.CACHES = {"default": {"BACKEND": "core.cache.ReusingRedisCache", "LOCATION": redis_url}}
    for _attempt in range(5):
        throttling.hit(throttling.LOGIN_PER_ACCOUNT, "mere@example.nz")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_URL"))}
    env.update(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="testserver", REDIS_URL=redis_url)
    script = "from accounts import throttling; print(throttling.wait(throttling.LOGIN_PER_ACCOUNT, 'mere@example.nz'))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert 14 * 60 < int(result.stdout.strip()) <= 15 * 60


@pytest.mark.parametrize("look_alike", ["victim.s\u0131s@example.nz", "victim.\u017fis@example.nz"])
def test_look_alike_letters_do_not_get_round_the_lock(client, clock, look_alike):
    """`ı` and `ſ` are upper-cased to I and S by PostgreSQL: the address must not find the account."""
    make_user(email="victim.sis@example.nz")
    for _attempt in range(5):
        log_in(client, "victim.sis@example.nz", "not the password")
    assert TOO_MANY in log_in(client, "victim.sis@example.nz").content.decode()
    assert INVALID in log_in(client, look_alike).content.decode()
    assert not logged_in(client)


def test_look_alike_letters_send_no_more_reset_emails(client, clock):
    make_user(email="victim.sis@example.nz")
    for _request in range(5):
        request_reset(client, "victim.sis@example.nz")
    for look_alike in ("victim.s\u0131s@example.nz", "victim.\u017fis@example.nz", "VICTIM.SIS@example.nz"):
        request_reset(client, look_alike)
    assert len(mail.outbox) == 5
