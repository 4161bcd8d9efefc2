"""The signed-in user comes from the cache on each request, and every change to them counts at once.

Each test runs with both session engines: the database's (no shared cache) and `accounts.sessions`
(with one: the session and its user are fetched in one round trip once the process knows whose the
session is, which the `parent` fixture's first page teaches it).
"""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import backends
from accounts.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["django.contrib.sessions.backends.db", "accounts.sessions"])
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


@pytest.mark.parametrize("session_engine", ["accounts.sessions"], indirect=True)
def test_a_warm_page_asks_the_cache_once_for_the_session_and_its_user(client, parent, monkeypatch):
    cache, asked, inside = caches["default"], [], []
    real_get, real_get_many = cache.get, cache.get_many

    def get(key, *args, **kwargs):
        if not inside:  # the local cache's get_many calls get for each key: one request to the cache
            asked.append([key])
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        asked.append(list(keys))
        inside.append(True)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)

    response, queries = user_queries(client)

    assert response.status_code == 200
    assert queries == []
    session_key = client.cookies["sessionid"].value
    with_session = [keys for keys in asked if any(key.endswith(session_key) for key in keys)]
    assert len(with_session) == 1
    assert set(backends.user_cache_keys(parent.pk)) <= set(with_session[0])
    assert not [
        keys for keys in asked if keys != with_session[0] and set(keys) & set(backends.user_cache_keys(parent.pk))
    ]
