"""The learner's actions, called directly: each does all of what the step means, certificate included."""

import pytest

from courses import actions, quizzes
from courses.models import Certificate, LessonCompletion, QuizAttempt
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course(slug="safe", modules=1, lessons=2, questions=2)


def _answers(shown: quizzes.ShownQuiz, *, right: bool) -> dict[int, set[int]]:
    return {
        question.pk: {next(choice.pk for choice in choices if choice.is_correct == right)}
        for question, choices in shown.questions
    }


def test_completing_a_lesson_twice_records_it_once(course):
    user, lesson = make_user(), course.modules.get().lessons.first()
    actions.complete_lesson(user=user, lesson=lesson)
    actions.complete_lesson(user=user, lesson=lesson)
    assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1
    assert not Certificate.objects.exists()


def test_the_last_lesson_after_the_quiz_issues_the_certificate(course):
    user = make_user()
    module = course.modules.get()
    shown = quizzes.prepare(module.quiz)
    assert actions.submit_quiz(user=user, quiz=module.quiz, shown=shown, picked=_answers(shown, right=True)).passed
    first, last = module.lessons.all()
    actions.complete_lesson(user=user, lesson=first)
    assert not Certificate.objects.exists()
    actions.complete_lesson(user=user, lesson=last)
    assert Certificate.objects.get().user == user


@pytest.mark.parametrize("right", [True, False])
def test_the_quiz_after_the_lessons_issues_the_certificate_only_on_a_pass(course, right):
    user = make_user()
    module = course.modules.get()
    for lesson in module.lessons.all():
        actions.complete_lesson(user=user, lesson=lesson)
    shown = quizzes.prepare(module.quiz)
    attempt = actions.submit_quiz(user=user, quiz=module.quiz, shown=shown, picked=_answers(shown, right=right))
    again = actions.submit_quiz(user=user, quiz=module.quiz, shown=shown, picked=_answers(shown, right=right))
    assert again == attempt
    assert QuizAttempt.objects.count() == 1
    assert Certificate.objects.filter(user=user).exists() == right


def test_a_pass_saved_outside_the_actions_always_shows(course):
    """Only `submit_quiz` knows a pass is a second one; a pass saved any other way renews the learner's state."""
    from courses import progress

    user, module = make_user(), course.modules.get()
    assert progress.learner_state(user, course).passed == frozenset()
    QuizAttempt.objects.create(
        user=user, quiz=module.quiz, token="made-in-a-shell", correct_count=2, question_count=2, score=100, passed=True
    )
    assert progress.learner_state(user, course).passed == {module.pk}


def test_a_learner_without_a_name_gets_a_certificate_that_never_shows_their_email(client, course):
    user = make_user(email="private.parent@example.nz", display_name="")
    module = course.modules.get()
    for lesson in module.lessons.all():
        actions.complete_lesson(user=user, lesson=lesson)
    shown = quizzes.prepare(module.quiz)
    actions.submit_quiz(user=user, quiz=module.quiz, shown=shown, picked=_answers(shown, right=True))
    certificate = Certificate.objects.get(user=user)
    public = client.get(certificate.get_absolute_url()).content.decode()
    assert "A parent" in public
    assert "private.parent" not in public
