"""Every page a parent can reach, checked with axe-core at phone and desktop sizes."""

import pytest

from courses.models import Certificate, Lesson, LessonCompletion, QuizAttempt
from schools.models import Membership
from tests.browser.conftest import log_in
from tests.factories import make_course, make_school, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_parent_page_is_accessible(visit):
    course = make_course(slug="safe", modules=2, lessons=2, questions=2)
    user = make_user(email="every@example.nz", display_name="Ana", verified=True)
    Certificate.objects.create(user=user, course=course, code="ABCD-EFGH-JKMN", name="Ana")
    joined = make_school(slug="joined", course=course, families=[user])
    other = make_school(slug="other", course=course)
    stop_token = Membership.objects.get(school=joined, user=user).reminder_token
    log_in(visit, user.email)
    pages = [
        "/learning/",
        "/courses/safe/",
        "/courses/safe/module-1/",
        "/courses/safe/module-2/lesson-2/",
        "/courses/safe/module-1/quiz/",
        "/learning/certificates/safe/",
        "/certificates/ABCD-EFGH-JKMN/",
        "/accounts/profile/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/delete/",
        "/accounts/confirm-email/some-token/",
        "/privacy/",
        "/help/",
        "/learning/plan/safe/",
        "/learning/plan/safe/apps/",
        "/learning/plan/safe/trusted-adults/",
        "/accounts/2fa/",
        "/schools/",
        "/schools/request/",
        "/join/",
        f"/join/{other.join_code}/",
        f"/join/{joined.join_code}/",
        f"/reminders/stop/{stop_token}/",
    ]
    for path in pages:
        visit.goto(path)
        assert visit.page.locator("h1").count() == 1, path
        visit.assert_accessible()


def test_every_visitor_page_is_accessible(visit):
    make_course(slug="safe", modules=1)
    school = make_school(coordinators=[make_user(email="office@school.nz", verified=True)])
    digest_token = school.memberships.coordinators().get().reminder_token
    for path in [
        f"/digest/stop/{digest_token}/",
        "/signup/",
        "/courses/safe/",
        "/courses/safe/module-1/lesson-1/",
        "/privacy/",
        "/accounts/password/reset/",
        "/accounts/signup/",
        "/",
        "/help/",
        "/accounts/login/",
        "/join/",
        "/schools/",
    ]:
        visit.goto(path)
        assert visit.page.locator("h1").count() == 1, path
        visit.assert_accessible()


def test_the_certificate_offer_is_accessible(visit):
    course = make_course(slug="safe", modules=1, questions=2)
    user = make_user(email="finished@example.nz", display_name="Mere", verified=True)
    for lesson in Lesson.objects.filter(module__course=course):
        LessonCompletion.objects.create(user=user, lesson=lesson)
    quiz = course.modules.get().quiz
    QuizAttempt.objects.create(
        user=user, quiz=quiz, token="t", correct_count=2, question_count=2, score=100, passed=True
    )
    log_in(visit, user.email)
    visit.goto("/learning/certificates/safe/")
    visit.assert_accessible()
    visit.page.get_by_role("button", name="Get my certificate").click()
    visit.page.get_by_role("heading", name="Certificate of completion").wait_for()
    visit.assert_accessible()
