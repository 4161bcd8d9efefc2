"""Nobody learns from the site whether an address has an account: sign-up and password reset answer alike.

Compared as a browser sees them: the status, where the answer sends it, the cookies it sets and the
page it lands on. Only the owner of the address learns, by email. (Run on PostgreSQL too: its case
folding differs from SQLite's.)
"""

import re

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD, make_course, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def as_seen(capture, path: str, data: dict, email: str) -> dict:
    """What a new browser that opens the form at `path` and sends `data` sees, with the address it typed
    (as typed or as kept, in lower case) and its own CSRF token taken out of the page."""
    client = Client()
    client.get(path)
    with capture(execute=True):
        response = client.post(path, data)
    landing = client.get(response["Location"])
    page = CSRF_TOKEN.sub("", landing.content.decode()).replace(email, "EMAIL").replace(email.lower(), "EMAIL")
    return {
        "status": response.status_code,
        "location": response["Location"],
        "cookies set": sorted(response.cookies),
        "cookies kept": sorted(client.cookies),
        "landing status": landing.status_code,
        "landing page": page,
    }


@pytest.mark.parametrize("typed", ["taken@example.nz", "Taken@Example.NZ"])
def test_sign_up_with_an_address_that_has_an_account_looks_like_a_new_one(django_capture_on_commit_callbacks, typed):
    make_course(slug="safe", modules=1)
    owner = make_user(email="taken@example.nz", verified=True)

    def sign_up(email):
        data = {"email": email, "display_name": "Rua", "password1": "kumara and puha for tea"}
        return as_seen(django_capture_on_commit_callbacks, "/accounts/signup/", data, email)

    new = sign_up("new@example.nz")
    taken = sign_up(typed)

    assert new == taken
    assert (new["status"], new["location"]) == (302, "/accounts/confirm-email/")
    assert "Check your email" in new["landing page"]
    assert User.objects.filter(email="taken@example.nz").get() == owner
    assert owner.check_password(PASSWORD)  # the sign-up's password changed nothing
    sent = {message.to[0]: message.body for message in sent_mail()}
    assert sent.keys() == {"new@example.nz", "taken@example.nz"}
    assert "it already has one" in sent["taken@example.nz"]


@pytest.mark.parametrize("typed", ["known@example.nz", "KNOWN@example.nz"])
def test_password_reset_for_an_address_with_an_account_looks_like_one_without(
    django_capture_on_commit_callbacks, typed
):
    make_user(email="known@example.nz", verified=True)

    def reset(email):
        return as_seen(django_capture_on_commit_callbacks, "/accounts/password/reset/", {"email": email}, email)

    unknown = reset("unknown@example.nz")
    known = reset(typed)

    assert known == unknown
    assert (known["status"], known["location"]) == (302, "/accounts/password/reset/done/")
    assert [message.to for message in sent_mail()] == [["known@example.nz"]]
    assert "/accounts/password/reset/key/" in sent_mail()[0].body
