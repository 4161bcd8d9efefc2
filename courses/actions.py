"""What a learner does, each as one action that does all of it: the views parse, call one, and render.

An action checks, writes, notes the learner's activity and issues the certificate when that step
finished the course; the versions that say the learner's progress changed are renewed by the
receivers of the rows it writes (`courses/receivers.py`).
"""

from courses import progress, quizzes
from courses.models import Lesson, Quiz, QuizAttempt
from courses.progress import CourseProgress


def complete_lesson(*, user, lesson: Lesson, course_progress: CourseProgress | None = None) -> None:
    """Mark the lesson read (a second time changes nothing); the certificate, if it was the last step.

    `course_progress` is the learner's progress as read before (the request has it already).
    """
    course = lesson.module.course
    course_progress = course_progress or progress.course_progress(course, user=user)
    progress.complete_lesson(user=user, lesson=lesson)
    if course_progress.complete_with(lesson_id=lesson.pk):  # the last lesson read after every quiz passed
        progress.issue_certificate_if_complete(user=user, course=course)


def submit_quiz(*, user, quiz: Quiz, shown: quizzes.ShownQuiz, picked: dict[int, set[int]]) -> QuizAttempt:
    """Score and save the attempt once (a second submit of the same form returns the first); a pass that
    finishes the course issues the certificate. QuizChanged if the quiz itself has gone."""
    # Read before the attempt (from the cache): whether this pass could finish the course.
    course_progress = progress.course_progress(quiz.module.course, user=user)
    attempt, _created = quizzes.record_attempt(user=user, quiz=quiz, shown=shown, picked=picked)
    if attempt.passed and course_progress.complete_with(module_id=quiz.module_id):
        progress.issue_certificate_if_complete(user=user, course=quiz.module.course)
    return attempt
