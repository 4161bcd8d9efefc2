"""A course that grows: a new module reaches a site whose parents have already finished the course."""

import re
import shutil

import pytest

from courses import actions
from courses.models import Course, Enrollment, Lesson, LessonCompletion, Module, Quiz, QuizAttempt, Status
from schools import dashboard
from tests.courses.content_helpers import BUNDLED, SLUG, copy_bundled, import_folder
from tests.factories import make_school, make_user

pytestmark = pytest.mark.django_db

NEW_MODULE = "10-closer-to-home-and-newer-risks"


@pytest.fixture
def course_before(tmp_path) -> Course:
    """The bundled course as a site had it before the tenth module was added."""
    folder = copy_bundled(tmp_path)
    shutil.rmtree(folder / NEW_MODULE)
    import_folder(folder)
    return Course.objects.get(slug=SLUG)


def finish_everything(user, course: Course):
    """Every published lesson read and every quiz passed; the certificate issued."""
    Enrollment.objects.create(user=user, course=course)
    for lesson in Lesson.objects.published().filter(module__course=course):
        LessonCompletion.objects.create(user=user, lesson=lesson)
    for quiz in Quiz.objects.filter(module__course=course, module__status=Status.PUBLISHED):
        QuizAttempt.objects.create(
            user=user,
            quiz=quiz,
            token=f"t-{user.pk}-{quiz.pk}",
            correct_count=6,
            question_count=6,
            score=100,
            passed=True,
        )
    return actions.issue_certificate(user=user, course=course)


def _module_item(html: str, title: str) -> str:
    """The outline's list item of the module with this title."""
    items = re.findall(r'<li class="outline-module status-[a-z_]+">.*?</ol>', html, re.S)
    return next(item for item in items if title in item)


def test_a_new_module_keeps_certificates_and_shows_as_not_started(course_before, client):
    parent = make_user(display_name="Aroha Finished")
    certificate = finish_everything(parent, course_before)
    assert certificate is not None
    school = make_school(course=course_before, coordinators=[make_user()], families=[parent])

    report = import_folder(BUNDLED)

    assert report.modules.created == 1
    new = Module.objects.get(course=course_before, slug="closer-to-home-and-newer-risks")
    assert new.status == Status.PUBLISHED
    assert new.position == 10
    # The certificate already issued stays valid, for anyone who checks it.
    verified = client.get(f"/certificates/{certificate.code}/")
    assert verified.status_code == 200
    assert "Aroha Finished" in verified.content.decode()
    # The parent sees the new module as not started, and everything they did as done.
    client.force_login(parent)
    outline = client.get(course_before.get_absolute_url()).content.decode()
    assert 'class="outline-module status-not_started"' in _module_item(outline, new.title)
    assert outline.count('class="outline-module status-done"') == 9
    assert "Your certificate" in client.get("/learning/").content.decode()
    # The school sees one more module, not started by this family.
    shapes, rows = dashboard.family_rows(school)
    assert len(shapes) == 10
    assert [row.modules for row in rows if row.email == parent.email] == [["done"] * 9 + ["not_started"]]
