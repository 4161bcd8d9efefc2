"""The signed-in user comes from the cache on each request, and every change to them counts at once.

Each test runs with both session engines the site uses: the database's (no shared cache) and Django's
cached_db (with one).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


ENGINES = ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]


@pytest.fixture(autouse=True, params=ENGINES)
def session_engine(request, settings):
    settings.SESSION_ENGINE = request.param
    return request.param


@pytest.fixture
def parent(client):
    user = make_user(display_name="Aroha")
    client.force_login(user)
    client.get("/accounts/profile/")
    return user


def user_queries(client, path="/accounts/profile/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [query["sql"] for query in queries if '"accounts_user"' in query["sql"]]


def test_a_warm_page_does_not_read_the_user_again(client, parent):
    response, queries = user_queries(client)
    assert response.status_code == 200
    assert queries == []


def test_a_new_password_set_anywhere_signs_out_the_old_sessions_at_once(client, parent):
    parent.set_password("a brand new passphrase for the family")
    parent.save()
    response, _ = user_queries(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_deactivated_account_is_signed_out_at_once(client, parent):
    parent.is_active = False
    parent.save()
    assert client.get("/accounts/profile/").status_code == 302


def test_a_deleted_account_is_signed_out_at_once(client, parent):
    User.objects.filter(pk=parent.pk).delete()
    assert client.get("/accounts/profile/").status_code == 302


def test_a_new_name_shows_at_once(client, parent):
    parent.display_name = "Aroha Smith"
    parent.save()
    assert "Aroha Smith" in client.get("/accounts/profile/").content.decode()


def test_another_users_cached_row_is_never_served(client, parent):
    other = type(client)()
    someone = make_user(display_name="Someone else")
    other.force_login(someone)
    assert "Someone else" in other.get("/accounts/profile/").content.decode()
    assert "Someone else" not in client.get("/accounts/profile/").content.decode()
