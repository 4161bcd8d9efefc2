"""Parts of pages rendered once per process (`{% fragment %}`) never mix one visitor's page with another's."""

import re

import pytest
from django.test import Client

from courses.models import Lesson, LessonCompletion
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db


def test_the_header_follows_who_is_looking_and_where():
    make_course(slug="safe", modules=1)
    guest, parent = Client(), Client()
    parent.force_login(make_user())
    for _ in range(2):  # the second time, from the rendered fragments
        guest_home, parent_home = guest.get("/").content.decode(), parent.get("/").content.decode()
        assert "Sign up" in guest_home
        assert "Log out" not in guest_home
        assert "Log out" in parent_home
        assert "Sign up" not in parent_home
        help_page = guest.get("/help/").content.decode()
        assert re.search(r'href="/help/" aria-current="page"', help_page)
        assert not re.search(r'href="/" aria-current="page"', help_page)


def test_each_logged_in_page_has_its_own_csrf_token_in_the_header():
    make_course(slug="safe", modules=1)
    tokens = set()
    for _ in range(2):
        client = Client()
        client.force_login(make_user())
        page = client.get("/").content.decode()
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
    assert len(tokens) == 2


def test_each_parent_sees_their_own_progress_in_the_outline():
    course = make_course(slug="safe", modules=2, lessons=2)
    first, second = make_user(), make_user()
    LessonCompletion.objects.create(user=first, lesson=Lesson.objects.filter(module__course=course).first())
    outlines = {}
    for user in (first, second, first):
        client = Client()
        client.force_login(user)
        outlines.setdefault(user.pk, set()).add(client.get("/courses/safe/").content.decode().count("tag-done"))
    assert outlines == {first.pk: {1}, second.pk: {0}}
