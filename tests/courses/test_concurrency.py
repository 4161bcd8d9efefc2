"""Nothing lost, nothing doubled: simultaneous submits from real threads, as a double click makes them."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from courses import actions, quizzes
from courses.models import Enrollment, LessonCompletion, Quiz, QuizAttempt
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 15
THREADS = 4


def run_together(target, count=THREADS):
    """Start `count` threads at the same moment; re-raise the first error any of them hit."""
    barrier = threading.Barrier(count)
    errors = []

    def worker():
        try:
            barrier.wait()
            target()
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_simultaneous_completions_of_a_lesson_make_one_row():
    course = make_course(modules=1, lessons=ROUNDS)
    lessons = list(course.modules.get().lessons.all())
    user = make_user()
    for lesson in lessons:
        run_together(lambda lesson=lesson: actions.complete_lesson(user=user, lesson=lesson))
    assert LessonCompletion.objects.filter(user=user).count() == len(lessons)
    assert Enrollment.objects.filter(user=user).count() == 1


def test_simultaneous_submits_of_one_quiz_form_make_one_attempt():
    quiz = make_course(modules=1, questions=3).modules.get().quiz
    user = make_user()
    for _ in range(ROUNDS):
        shown = quizzes.prepare(quiz)
        picked = {question.pk: {choices[0].pk} for question, choices in shown.questions}
        run_together(
            lambda shown=shown, picked=picked: quizzes.record_attempt(user=user, quiz=quiz, shown=shown, picked=picked)
        )
    assert QuizAttempt.objects.filter(user=user).count() == ROUNDS
    assert all(len(attempt.answers) == 3 for attempt in QuizAttempt.objects.all())


def test_simultaneous_enrolments_make_one_row():
    course = make_course(modules=1)
    for _ in range(ROUNDS):
        user = make_user()
        run_together(lambda user=user: actions.enrol(user=user, course=course))
        assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_a_question_removed_while_the_form_was_answered_keeps_the_attempt_as_it_was_answered(client):
    from courses.models import Question

    quiz = make_course(modules=1, questions=3).modules.get().quiz
    user = make_user()
    shown = quizzes.prepare(quiz)
    picked = {question.pk: {choices[0].pk} for question, choices in shown.questions}
    removed = shown.questions[-1][0]
    Question.objects.filter(pk=removed.pk).delete()  # an author, at that moment

    attempt, created = quizzes.record_attempt(user=user, quiz=quiz, shown=shown, picked=picked)

    assert created
    assert [answer["question"] for answer in attempt.answers] == [question.pk for question, _ in shown.questions]
    client.force_login(user)
    result = client.get(reverse("courses:quiz-result", args=[quiz.module.course.slug, quiz.module.slug, attempt.token]))
    assert result.status_code == 200
    assert [answer.question.pk for answer in result.context["answers"]] == [q.pk for q, _ in shown.questions[:-1]]
    assert removed.text not in result.content.decode()


def test_a_quiz_removed_while_the_form_was_answered_saves_nothing_and_says_so():
    quiz = make_course(modules=1, questions=3).modules.get().quiz
    user = make_user()
    shown = quizzes.prepare(quiz)
    picked = {question.pk: {choices[0].pk} for question, choices in shown.questions}
    Quiz.objects.filter(pk=quiz.pk).delete()  # an author, at that moment
    with pytest.raises(quizzes.QuizChanged):
        quizzes.record_attempt(user=user, quiz=quiz, shown=shown, picked=picked)
    assert not QuizAttempt.objects.exists()
