"""A cache that fails is a miss: with Redis unreachable or hanging, pages come from the database.

Real sockets: a port nothing listens on, and a listener that accepts connections and never answers.
Only what truly needs the shared cache (counting log-in attempts) answers the 503 page.
"""

import socket
import time

import pytest
from django.test import override_settings

from core import cache as shared_cache
from tests.factories import PASSWORD, make_course, make_user

pytestmark = pytest.mark.django_db

PAGES = ["/", "/courses/safe/", "/courses/safe/module-1/lesson-1/", "/help/", "/accounts/login/", "/learning/"]


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port():
    """A listener whose connections are accepted (by the kernel) and never answered."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


def _broken_redis(port: int):
    shared_cache.resume()
    return override_settings(
        CACHES={"default": {"BACKEND": "core.cache.ReusingRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}},
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    )


def _timed(client, method: str, path: str, **data):
    start = time.monotonic()
    response = getattr(client, method)(path, data)
    return response, time.monotonic() - start


@pytest.mark.parametrize("broken", ["closed_port", "silent_port"])
def test_pages_are_served_from_the_database_when_redis_fails(client, request, broken):
    make_course(slug="safe", modules=1)
    parent = make_user(email="parent@example.nz")
    with _broken_redis(request.getfixturevalue(broken)):
        for signed_in in (False, True):
            if signed_in:
                client.force_login(parent)
            for path in PAGES:
                response, seconds = _timed(client, "get", path)
                assert response.status_code in (200, 302), (path, signed_in, response.status_code)
                assert seconds < 2, (path, seconds)
    shared_cache.resume()


@pytest.mark.parametrize("broken", ["closed_port", "silent_port"])
def test_a_log_in_that_needs_the_shared_cache_answers_the_503_page(client, request, broken):
    make_user(email="parent@example.nz", verified=True)
    with _broken_redis(request.getfixturevalue(broken)):
        response, seconds = _timed(client, "post", "/accounts/login/", login="parent@example.nz", password=PASSWORD)
    shared_cache.resume()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert seconds < 2


def test_a_working_cache_is_used_again_after_the_pause(redis_url, monkeypatch):
    from django.core.cache import cache

    with _broken_redis(1):
        assert cache.get("anything", "missed") == "missed"
        assert cache.set("anything", 1) is None
    with override_settings(CACHES={"default": {"BACKEND": "core.cache.ReusingRedisCache", "LOCATION": redis_url}}):
        assert cache.get("anything", "missed") == "missed"  # still pausing: no round trip at all
        shared_cache.resume()
        cache.set("anything", 1)
        assert cache.get("anything") == 1
