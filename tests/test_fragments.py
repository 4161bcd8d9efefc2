"""Parts of pages rendered once per process (`{% fragment %}`) never mix one visitor's page with another's."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import Engine, TemplateSyntaxError
from django.test import Client
from django.urls import set_script_prefix

from core.checks import check_shared_template_parts
from core.templatetags.fragments import shared_part_problems
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


# The guard: nothing per person or per request inside a shared part.


def _engine(templates: dict[str, str]) -> Engine:
    return Engine(
        loaders=[("django.template.loaders.locmem.Loader", templates)],
        libraries={"fragments": "core.templatetags.fragments", "i18n": "django.templatetags.i18n"},
    )


def test_a_users_email_in_a_shared_part_is_refused_when_the_template_is_compiled():
    with pytest.raises(TemplateSyntaxError, match=r"line 2: “user.email” is per person or per request"):
        _engine({}).from_string('{% load fragments %}\n{% fragment "header" %}{{ user.email }}{% endfragment %}')


@pytest.mark.parametrize(
    "inside",
    [
        "{{ user.email }}",
        "{% if user.is_staff %}x{% endif %}",
        "{{ request.path }}",
        "{% for message in messages %}{{ message }}{% endfor %}",
        "{% url 'courses:learning' as a %}{{ form.as_div }}",
        "{% blocktranslate %}Hello {{ user }}{% endblocktranslate %}",
        "{{ lesson.title|default:user.display_name }}",
        "{% with name=user.display_name %}{{ name }}{% endwith %}",
    ],
)
def test_everything_per_person_is_refused_inside_a_shared_part(inside):
    with pytest.raises(TemplateSyntaxError, match="per person or per request"):
        _engine({}).from_string(
            '{% load fragments i18n %}{% fragment "part" lesson.pk %}' + inside + "{% endfragment %}"
        )


def test_what_the_part_varies_on_and_the_csrf_token_are_allowed():
    template = _engine({}).from_string(
        '{% load fragments %}{% fragment "part" user.is_authenticated %}'
        "{% if user.is_authenticated %}<form>{% csrf_token %}</form>{% endif %}{% endfragment %}"
    )
    assert shared_part_problems(template) == []


def test_the_check_follows_includes_and_names_the_file_and_line():
    engine = _engine(
        {
            "page.html": '{% load fragments %}{% fragment "p" lesson.pk %}{% include "part.html" %}{% endfragment %}',
            "part.html": "<p>{{ lesson.title }}</p>\n<p>{{ user.email }}</p>",
        }
    )
    problems = shared_part_problems(engine.get_template("page.html"))
    assert [(problem.template, problem.line, problem.expression) for problem in problems] == [
        ("part.html", 2, "user.email")
    ]


def test_manage_py_check_refuses_a_header_showing_the_parents_email(tmp_path, settings):
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    edited = base.replace('<a class="skip-link"', '{{ user.email }}<a class="skip-link"', 1)
    assert edited != base
    (tmp_path / "base.html").write_text(edited)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(SystemCheckError, match=r"base.html, line 14: “user.email” is per person"):
        call_command("check")


def test_every_template_of_the_site_passes_the_guard():
    assert check_shared_template_parts(None) == []


# Keys the framework builds: the content version and the script prefix are always part of them.


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_lesson_saved_in_code_shows_at_once(client, signed_in):
    course = make_course(slug="safe", modules=1)
    if signed_in:
        client.force_login(make_user())
    lesson = Lesson.objects.get(module__course=course, slug="lesson-1")
    assert "The first words." not in client.get(lesson.get_absolute_url()).content.decode()
    lesson.body = "The first words."
    lesson.full_clean()
    lesson.save()
    assert "The first words." in client.get(lesson.get_absolute_url()).content.decode()
    lesson.body = "The second words."
    lesson.full_clean()
    lesson.save()
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "The second words." in page
    assert "The first words." not in page


def test_a_script_prefix_changes_no_link_another_request_gets():
    make_course(slug="safe", modules=1)
    parent = Client()
    parent.force_login(make_user())
    for path in ("/learning/", "/courses/safe/", "/courses/safe/module-1/lesson-1/", "/"):
        # As Django's WSGI handler does with a SCRIPT_NAME (the test client leaves the prefix alone).
        set_script_prefix("/x/")
        try:
            prefixed = parent.get(path).content.decode()
        finally:
            set_script_prefix("/")
        assert 'action="/x/accounts/logout/"' in prefixed
        plain = parent.get(path).content.decode()
        assert not re.search(r'(href|action)="/x/', plain), path
