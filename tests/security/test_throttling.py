"""Throttling, by allauth's rate limits (ACCOUNT_RATE_LIMITS): wrong passwords and second-step codes per
address and per network, password-reset and sign-up requests, school join codes."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.core.internal import ratelimit
from allauth.core.ratelimit import Rate
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.test import Client, RequestFactory

from accounts.adapter import client_ip
from accounts.models import User
from tests.factories import PASSWORD, enable_totp, make_school, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent

INVALID = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."
RESET_DONE = "/accounts/password/reset/done/"
VERIFICATION_SENT = "/accounts/confirm-email/"


@pytest.fixture
def clock(monkeypatch):
    """Moves the rate limits' clock on without sleeping (their windows slide: a hit counts for its window)."""

    class Clock:
        now = time.time()
        monotonic = staticmethod(time.monotonic)  # the cache lock's own timeout keeps real time
        sleep = staticmethod(time.sleep)

        def time(self):
            return self.now

        def advance(self, seconds):
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(ratelimit, "time", clock)
    return clock


@pytest.fixture
def small_limits(settings):
    """Network limits of 3, so tests need not make 50 requests (the real ones are checked apart)."""
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_network": "3/15m/ip",
        "reset_password": "3/60m/ip,5/60m/key",
        "signup": "3/60m/ip",
    }


def log_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def make_parent(**extra):
    """A parent who has confirmed their address, as a log-in through the form needs."""
    return make_user(verified=True, **extra)


def test_five_wrong_passwords_lock_the_address(client):
    user = make_parent()
    for _attempt in range(5):
        response = log_in(client, user.email, "not the password")
        assert INVALID in response.content.decode()
    response = log_in(client, user.email, "still not the password")
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()


def test_right_password_is_refused_until_the_failures_are_old_enough(client, clock):
    user = make_parent()
    for _attempt in range(5):
        log_in(client, user.email, "not the password")

    response = log_in(client, user.email)
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)

    clock.advance(14 * 60 + 30)
    assert TOO_MANY in log_in(client, user.email).content.decode()
    assert not logged_in(client)

    clock.advance(31)
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_lock_ignores_the_case_of_the_address(client):
    make_parent(email="mere@example.nz")
    for _attempt in range(5):
        log_in(client, "Mere@Example.NZ", "not the password")
    assert TOO_MANY in log_in(client, "mere@example.nz").content.decode()


@pytest.mark.parametrize("host", ["TESTSERVER", "testserver:8000", "localhost"])
def test_the_lock_holds_whatever_host_name_the_request_gives(client, host):
    """A client chooses its Host header: the lock is on the address, not on the address at one host name."""
    user = make_parent()
    for _attempt in range(5):
        log_in(client, user.email, "not the password")
    response = log_in(client, user.email, headers={"host": host})
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)


def test_a_success_does_not_reset_the_count(client):
    """An attacker who knows one password cannot log in between guesses to start the count again."""
    user = make_parent()
    for _attempt in range(4):
        log_in(client, user.email, "not the password")
    assert log_in(client, user.email).status_code == 302
    client.post("/accounts/logout/")
    assert INVALID in log_in(client, user.email, "not the password").content.decode()
    assert TOO_MANY in log_in(client, user.email).content.decode()
    assert not logged_in(client)


def test_an_address_without_an_account_is_locked_the_same_way(client):
    for _attempt in range(5):
        assert INVALID in log_in(client, "nobody@example.nz", "guess").content.decode()
    assert TOO_MANY in log_in(client, "nobody@example.nz", "guess").content.decode()


def test_one_parents_mistakes_do_not_lock_out_others_on_the_same_network(client):
    careless, other = make_parent(), make_parent()
    for _attempt in range(6):
        log_in(client, careless.email, "not the password")
    assert log_in(Client(), other.email).status_code == 302


def test_the_real_limits_are_tight_per_address_and_loose_per_network():
    def rates(action):
        return ratelimit.get_rates(app="allauth.account", action=action)

    def per_network(action):
        return next(rate for rate in rates(action) if rate.per == "ip")

    assert Rate(5, 15 * 60, "key") in rates("login_failed")
    assert Rate(5, 60 * 60, "key") in rates("reset_password")
    assert per_network("login_failed_network").amount >= 50
    assert per_network("reset_password").amount >= 50
    assert per_network("signup").amount >= 30
    assert rates("join_code") == [Rate(20, 15 * 60, "ip")]


def test_many_failures_from_one_network_pause_its_log_ins(client, small_limits):
    user = make_parent()
    for number in range(3):
        log_in(client, f"guess{number}@example.nz", "guess")
    response = log_in(client, user.email)
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)
    assert log_in(Client(REMOTE_ADDR="198.51.100.20"), user.email).status_code == 302


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(small_limits, settings):
    settings.TRUSTED_PROXY_HEADER = ""
    user = make_parent()
    for number in range(3):
        # Each claims to be someone else, but they all come from the same connection.
        log_in(Client(), f"guess{number}@example.nz", "guess", headers={"X-Forwarded-For": f"203.0.113.{number}"})
    response = log_in(Client(), user.email, headers={"X-Forwarded-For": "203.0.113.99"})
    assert TOO_MANY in response.content.decode()


def test_the_trusted_proxy_header_tells_networks_apart(small_limits, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    user = make_parent()
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
        ("", {"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2:3:4:5:6"),
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
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),  # one IPv6 network (/64) is one client
        ("::ffff:198.51.100.7", "198.51.100.7"),
    ],
)
def test_rate_limits_count_by_the_client_address(settings, address, counted_as):
    settings.TRUSTED_PROXY_HEADER = ""
    assert ratelimit.get_ip(RequestFactory().post("/", REMOTE_ADDR=address)) == counted_as


def test_mapped_ipv4_clients_are_throttled_one_by_one(small_limits):
    """Behind a proxy that listens on IPv6, one IPv4 client's failures pause only that client."""
    user = make_parent()
    for number in range(3):
        log_in(Client(REMOTE_ADDR="::ffff:198.51.100.1"), f"guess{number}@example.nz", "guess")
    assert TOO_MANY in log_in(Client(REMOTE_ADDR="::ffff:198.51.100.1"), user.email).content.decode()
    assert log_in(Client(REMOTE_ADDR="::ffff:198.51.100.2"), user.email).status_code == 302


def test_guessing_join_codes_is_limited_per_network(clock):
    school = make_school()
    guesser, family = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    for number in range(20):
        assert guesser.get(f"/join/GUESS{number:04d}/").status_code == 404
    # Now even the right code says nothing from that network, until the guesses are 15 minutes old.
    refused = guesser.get(f"/join/{school.join_code}/")
    assert refused.status_code == 429
    assert "Too many school codes have been tried" in refused.content.decode()
    assert family.get(f"/join/{school.join_code}/").status_code == 302  # to sign up first
    clock.advance(15 * 60 + 1)
    assert guesser.get(f"/join/{school.join_code}/").status_code == 302


def request_reset(client, email):
    return client.post("/accounts/password/reset/", {"email": email})


@pytest.mark.parametrize("has_account", [True, False])
def test_password_resets_per_address_are_limited_alike_for_every_address(
    client, django_capture_on_commit_callbacks, has_account
):
    email = make_parent().email if has_account else "nobody@example.nz"
    with django_capture_on_commit_callbacks(execute=True):
        for _request in range(5):
            response = request_reset(client, email)
            assert (response.status_code, response["Location"]) == (302, RESET_DONE)
        assert request_reset(client, email).status_code == 429
    assert len(sent_mail()) == (5 if has_account else 0)


def test_password_resets_from_one_network_are_limited(client, django_capture_on_commit_callbacks, small_limits):
    users = [make_parent() for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        for user in users[:3]:
            assert request_reset(client, user.email)["Location"] == RESET_DONE
        assert request_reset(client, users[3].email).status_code == 429
        assert request_reset(client, "nobody@example.nz").status_code == 429  # the same answer without an account
    assert len(sent_mail()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert request_reset(Client(REMOTE_ADDR="198.51.100.20"), users[3].email)["Location"] == RESET_DONE
    assert [message.to for message in sent_mail()[3:]] == [[users[3].email]]


def sign_up(client, email):
    data = {"email": email, "display_name": "Hine", "password1": "kumara and puha for tea"}
    return client.post("/accounts/signup/", data)


def test_sign_ups_from_one_network_are_limited(client, small_limits):
    for number in range(3):
        assert sign_up(Client(), f"new{number}@example.nz")["Location"] == VERIFICATION_SENT
    assert sign_up(client, "one-more@example.nz").status_code == 429
    assert not User.objects.filter(email="one-more@example.nz").exists()
    assert sign_up(Client(REMOTE_ADDR="198.51.100.20"), "one-more@example.nz")["Location"] == VERIFICATION_SENT


def code_now(secret: str) -> str:
    """The authenticator app's code at this moment (made afresh at each use: a code lasts 30 seconds)."""
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_guessing_the_second_step_code_is_limited_per_account(client, clock):
    user = make_parent(email="coord@example.nz")
    secret = enable_totp(user)
    assert log_in(client, user.email)["Location"] == "/accounts/2fa/authenticate/"
    wrong = f"{(int(code_now(secret)) + 500_000) % 1_000_000:06d}"
    for _attempt in range(5):
        response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
        assert "Incorrect code." in response.content.decode()
    refused = client.post("/accounts/2fa/authenticate/", {"code": code_now(secret)})
    assert TOO_MANY in refused.content.decode()
    assert not logged_in(client)

    # Starting the log-in again, even from another network, does not start the count again.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert log_in(elsewhere, user.email)["Location"] == "/accounts/2fa/authenticate/"
    assert TOO_MANY in elsewhere.post("/accounts/2fa/authenticate/", {"code": code_now(secret)}).content.decode()
    assert not logged_in(elsewhere)

    clock.advance(15 * 60 + 1)
    assert client.post("/accounts/2fa/authenticate/", {"code": code_now(secret)}).status_code == 302
    assert logged_in(client)


def test_passing_ones_own_second_step_does_not_reset_the_networks_count(client, small_limits):
    """Otherwise whoever has an account with an authenticator app could guess at others' without end."""
    own = make_parent()
    secret = enable_totp(own)
    for number in range(2):
        log_in(client, f"guess{number}@example.nz", "guess")
    mine = Client()
    log_in(mine, own.email)
    assert mine.post("/accounts/2fa/authenticate/", {"code": code_now(secret)})["Location"] == "/learning/"
    log_in(client, "guess2@example.nz", "guess")
    assert TOO_MANY in log_in(client, "guess3@example.nz", "guess").content.decode()


def test_asking_again_for_the_password_counts_towards_the_lock(client):
    user = make_parent(email="reauth@example.nz")
    client.force_login(user)
    for _attempt in range(5):
        response = client.post("/accounts/reauthenticate/", {"password": "wrong guess"})
        assert "Incorrect password." in response.content.decode()
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert TOO_MANY in response.content.decode()
    # Without the fresh log-in the account is not deleted.
    response = client.post("/accounts/delete/", {"confirm": "on"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.filter(pk=user.pk).exists()
    client.logout()
    assert TOO_MANY in log_in(client, user.email).content.decode()


def test_with_redis_every_process_sees_the_same_counts(client, settings, redis_url):
    settings.CACHES = {"default": {"BACKEND": "core.cache.ReusingRedisCache", "LOCATION": redis_url}}
    for _attempt in range(5):
        log_in(client, "mere@example.nz", "not the password")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REDIS_URL"))}
    env.update(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="testserver", REDIS_URL=redis_url)
    # The check the log-in form makes before it looks at the password, in another process.
    script = (
        "from allauth.account.adapter import get_adapter\n"
        "from django.core.exceptions import ValidationError\n"
        "from django.test import RequestFactory\n"
        "for email in ['mere@example.nz', 'other@example.nz']:\n"
        "    try:\n"
        "        get_adapter().pre_authenticate(RequestFactory().post('/accounts/login/'), email=email)\n"
        "        print(email, 'allowed')\n"
        "    except ValidationError as error:\n"
        "        print(email, error.code)\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == [
        "mere@example.nz too_many_login_attempts",
        "other@example.nz allowed",
    ]


@pytest.mark.parametrize("look_alike", ["victim.s\u0131s@example.nz", "victim.\u017fis@example.nz"])
def test_look_alike_letters_do_not_get_round_the_lock(client, look_alike):
    """`ı` and `ſ` are upper-cased to I and S by PostgreSQL: the address must not find the account."""
    make_parent(email="victim.sis@example.nz")
    for _attempt in range(5):
        log_in(client, "victim.sis@example.nz", "not the password")
    assert TOO_MANY in log_in(client, "victim.sis@example.nz").content.decode()
    assert INVALID in log_in(client, look_alike).content.decode()
    assert not logged_in(client)


def test_look_alike_letters_send_no_more_reset_emails(client, django_capture_on_commit_callbacks):
    make_parent(email="victim.sis@example.nz")
    with django_capture_on_commit_callbacks(execute=True):
        for _request in range(5):
            request_reset(client, "victim.sis@example.nz")
        for look_alike in ("victim.s\u0131s@example.nz", "victim.\u017fis@example.nz", "VICTIM.SIS@example.nz"):
            request_reset(client, look_alike)
    assert len(sent_mail()) == 5
