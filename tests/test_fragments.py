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


def test_forms_in_a_shared_fragment_carry_each_visitors_own_token():
    course = make_course(slug="safe", modules=1, lessons=2)
    url = "/courses/safe/module-1/lesson-1/"
    for user in (make_user(), make_user()):  # the second page comes from the first one's fragment
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        page = client.get(url).content.decode()
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
        assert len(tokens) == 1
        assert "\x00" not in page
        response = client.post(f"{url}complete/", {"csrfmiddlewaretoken": tokens.pop()})
        assert response.status_code == 302
        assert LessonCompletion.objects.filter(user=user, lesson__module__course=course).count() == 1


def test_each_parent_sees_their_own_picks_and_done_lessons_on_a_lesson():
    from courses import plans

    course = make_course(slug="safe", modules=1, lessons=2)
    lesson = Lesson.objects.get(module__course=course, slug="lesson-1")
    lesson.try_saying = "How was your day online?\nWho do you chat with?"
    lesson.save()
    course.content_changed()
    picker, other = make_user(), make_user()
    plans.pick_starter(user=picker, lesson=lesson, text="Who do you chat with?")
    LessonCompletion.objects.create(user=picker, lesson=lesson)
    for user in (picker, other, picker, other):
        client = Client()
        client.force_login(user)
        page = client.get("/courses/safe/module-1/lesson-1/").content.decode()
        assert (page.count("In your plan ✓") == 1) is (user == picker)
        assert ("You have completed this lesson" in page) is (user == picker)
