"""Nothing lost, nothing doubled: simultaneous submits from real threads, as a double click makes them."""

import threading

import pytest
from django.db import connection

from courses import progress, quizzes
from courses.models import Answer, Enrollment, LessonCompletion, QuizAttempt
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
        run_together(lambda lesson=lesson: progress.complete_lesson(user=user, lesson=lesson))
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
    assert Answer.objects.count() == ROUNDS * 3
    assert all(attempt.answers.count() == 3 for attempt in QuizAttempt.objects.all())


def test_simultaneous_enrolments_make_one_row():
    course = make_course(modules=1)
    for _ in range(ROUNDS):
        user = make_user()
        run_together(lambda user=user: progress.enrol(user=user, course=course))
        assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_a_question_removed_while_the_form_was_answered_saves_nothing_and_says_so():
    from courses.models import Question

    quiz = make_course(modules=1, questions=3).modules.get().quiz
    user = make_user()
    shown = quizzes.prepare(quiz)
    picked = {question.pk: {choices[0].pk} for question, choices in shown.questions}
    Question.objects.filter(pk=shown.questions[-1][0].pk).delete()  # an author, at that moment
    with pytest.raises(quizzes.QuizChanged):
        quizzes.record_attempt(user=user, quiz=quiz, shown=shown, picked=picked)
    assert not QuizAttempt.objects.exists()
    assert not Answer.objects.exists()
