"""Versions in the shared cache: what readers cached before a change is never read after it."""

import pytest
from django.core.cache import cache

from core import versions

pytestmark = pytest.mark.django_db


def test_a_version_stays_until_renewed():
    first, other = versions.current("thing:1", "thing:2")
    assert versions.current("thing:1", "thing:2") == [first, other]
    versions.renew(["thing:1"])
    renewed, same = versions.current("thing:1", "thing:2")
    assert renewed != first
    assert same == other


def test_a_lost_version_is_never_an_earlier_one():
    (first,) = versions.current("thing:1")
    cache.delete("thing:1")
    assert versions.current("thing:1") != [first]


@pytest.mark.django_db(transaction=True)
def test_a_read_before_the_commit_is_not_kept_under_the_final_version():
    from django.db import transaction

    with transaction.atomic():
        versions.renew(["thing:1"])
        (during,) = versions.current("thing:1")  # what another process may read and cache meanwhile
    (after,) = versions.current("thing:1")
    assert after != during


def test_a_warm_signed_in_lesson_asks_the_cache_twice_for_the_user_and_the_progress(client, monkeypatch):
    """The content version comes with the signed-in user, in one round trip; the learner's progress is the other."""
    from tests.factories import make_course, make_user

    make_course(slug="safe")
    client.force_login(make_user())
    url = "/courses/safe/module-1/lesson-1/"
    client.get(url)
    asked, inside = [], []
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
    assert client.get(url).status_code == 200
    assert len(asked) == 2
    assert versions.CONTENT in asked[0]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_renewal_writes_once(monkeypatch):
    """The write before it is committed already: a second new version would only cost a round trip."""
    writes = []
    real_set_many = cache.set_many

    def set_many(*args, **kwargs):
        writes.append(args)
        return real_set_many(*args, **kwargs)

    monkeypatch.setattr(cache, "set_many", set_many)
    (before,) = versions.current("thing:1")
    versions.renew(["thing:1"])
    assert len(writes) == 1
    assert versions.current("thing:1") != [before]
