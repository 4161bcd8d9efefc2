"""What a learner does, each as one action that does all of it: the views parse, call one, and render.

An action checks, writes, notes the learner's activity and issues the certificate when that step
finished the course. Writes are idempotent, so double clicks, two tabs and the back button never
duplicate a row. The versions that say a learner's progress changed are renewed by the receivers of
the rows written (`courses/receivers.py`), so a write made anywhere else renews them too.
"""

import secrets
import time

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.memo import Memo
from courses import progress, quizzes, signals
from courses.models import Certificate, Course, Enrollment, Lesson, LessonCompletion, Quiz, QuizAttempt
from courses.progress import CourseProgress


def enrol(*, user, course: Course) -> Enrollment:
    """Enrol a learner in a course; enrolling twice changes nothing."""
    enrollment, _ = Enrollment.objects.get_or_create(user=user, course=course)
    return enrollment


def complete_lesson(*, user, lesson: Lesson, course_progress: CourseProgress | None = None) -> bool:
    """Mark the lesson read; the certificate, if it was the last step. True if this call marked it
    (False: it was already read, and nothing changed).

    `course_progress` is the learner's progress as read before (the request has it already).
    """
    course = lesson.module.course
    course_progress = course_progress or progress.course_progress(course, user=user)
    try:
        with transaction.atomic():
            LessonCompletion.objects.create(user=user, lesson=lesson)
    except IntegrityError:
        return False
    finally:
        touch(user=user, course=course)
    if course_progress.complete_with(lesson_id=lesson.pk):  # the last lesson read after every quiz passed
        issue_certificate(user=user, course=course)
    return True


def submit_quiz(*, user, quiz: Quiz, shown: quizzes.ShownQuiz, picked: dict[int, set[int]]) -> QuizAttempt:
    """Score and save the attempt once (a second submit of the same form returns the first); a pass that
    finishes the course issues the certificate. QuizChanged if the quiz itself has gone."""
    course = quiz.module.course
    # Read before the attempt (from the cache): whether this pass could finish the course.
    course_progress = progress.course_progress(course, user=user)
    module = course_progress.module_of(quiz)
    passed_before = module is not None and module.quiz_passed
    attempt, created = quizzes.record_attempt(
        user=user, quiz=quiz, shown=shown, picked=picked, passed_before=passed_before
    )
    if created:
        touch(user=user, course=course)
    if attempt.passed and course_progress.complete_with(module_id=quiz.module_id):
        issue_certificate(user=user, course=course)
    return attempt


def remember_guest_lesson(session, lesson: Lesson) -> None:
    """Keep a guest's completed lesson in their session, to carry into an account later."""
    done = session.get(progress.GUEST_LESSONS, [])
    if lesson.pk not in done:
        session[progress.GUEST_LESSONS] = [*done, lesson.pk]


@transaction.atomic
def adopt_guest_progress(*, user, session) -> int:
    """Move the lessons a guest completed into their account; returns how many were new."""
    lesson_ids = session.pop(progress.GUEST_LESSONS, [])
    if not lesson_ids:
        return 0
    lessons = list(Lesson.objects.published().filter(pk__in=lesson_ids).select_related("module__course"))
    already = set(LessonCompletion.objects.filter(user=user, lesson__in=lessons).values_list("lesson_id", flat=True))
    # bulk_create sends no post_save: the signal below renews the learner's version instead.
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(user=user, lesson=lesson) for lesson in lessons if lesson.pk not in already],
        ignore_conflicts=True,
    )
    for course in {lesson.module.course for lesson in lessons}:
        touch(user=user, course=course)
    signals.progress_changed.send(sender=LessonCompletion, user_id=user.pk)
    return len(lessons) - len(already)


def issue_certificate(*, user, course: Course) -> Certificate | None:
    """The learner's certificate for the course, issued once they have completed every module (only
    ever once); None while they have not."""
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing:
        return existing
    if not progress.course_progress(course, user=user).complete:
        return None
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user, course=course, code=new_certificate_code(), name=user.display_name
            )
    except IntegrityError:
        return Certificate.objects.get(user=user, course=course)


# Certificate codes: unambiguous characters (no 0/O, 1/I/L), 12 of them: 60 bits of randomness.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# "Last active" is shown to the day: noting it more than once a minute would only add writes.
ACTIVITY_SECONDS = 60
# When this process last noted each (learner, course): a learner busy on this server costs no round
# trip to the cache for it; the cache keeps it to once a minute across servers.
_recent_touches = Memo(4096)


def touch(*, user, course: Course) -> None:
    """Note the learner's latest activity in the course, to the minute (enrolling them if need be)."""
    key, now = (user.pk, course.pk), time.monotonic()
    if now - _recent_touches.get(key, -ACTIVITY_SECONDS) < ACTIVITY_SECONDS:
        return
    _recent_touches.keep(key, now)
    if not cache.add(f"active:{user.pk}:{course.pk}", True, ACTIVITY_SECONDS):
        return
    now = timezone.now()
    if Enrollment.objects.filter(user=user, course=course).update(last_activity_at=now):
        progress.enrolments_changed(user.pk)  # "My learning" shows it; update() sends no post_save
    else:
        Enrollment.objects.get_or_create(user=user, course=course, defaults={"last_activity_at": now})
