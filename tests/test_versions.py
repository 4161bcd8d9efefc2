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
