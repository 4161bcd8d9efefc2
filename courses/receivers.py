"""Keep what `courses.progress` and `courses.published` cache exact: each write that changes it gives it a new version.

A learner's progress, enrolment and picked starters are cached under their learner version, and
their latest quiz attempts under their attempts version; the published courses, their structure and
their quizzes under the content version, which every write of content renews (and
`Course.content_changed()`, which the admin, the importer and publishing call).
"""

from allauth.account.signals import user_signed_up
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses import actions, progress, published, quizzes
from courses.models import (
    Certificate,
    Choice,
    Course,
    Enrollment,
    FamilyPlan,
    Lesson,
    LessonCompletion,
    Module,
    PlanStarter,
    Question,
    Quiz,
    QuizAttempt,
)
from courses.signals import content_changed, progress_changed


@receiver(post_save, sender=LessonCompletion)
@receiver(post_delete, sender=LessonCompletion)
def _progress_written(sender, instance, **kwargs):
    progress_changed.send(sender=sender, user_id=instance.user_id)


@receiver(post_delete, sender=QuizAttempt)
def _attempt_deleted(sender, instance, **kwargs):
    quizzes.attempts_changed(instance.user_id)
    progress_changed.send(sender=sender, user_id=instance.user_id)


@receiver(post_save, sender=QuizAttempt)
def _attempt_written(sender, instance, **kwargs):
    quizzes.attempts_changed(instance.user_id)
    # A failed attempt, or another pass of a quiz the learner had passed (as `submit_quiz` knows from the
    # progress it read), changes nobody's progress. A pass saved anywhere else renews it.
    if instance.passed and not getattr(instance, "passed_before", False):
        progress_changed.send(sender=sender, user_id=instance.user_id)


@receiver(progress_changed)
def _progress_changed(sender, user_id, **kwargs):
    progress.learner_changed(user_id)


@receiver(post_save, sender=Enrollment)
@receiver(post_delete, sender=Enrollment)
def _enrolment_written(sender, instance, **kwargs):
    progress.learner_changed(instance.user_id)
    progress.enrolments_changed(instance.user_id)


@receiver(post_save, sender=Certificate)
@receiver(post_delete, sender=Certificate)
def _certificate_written(sender, instance, **kwargs):
    progress.enrolments_changed(instance.user_id)


@receiver(post_save, sender=PlanStarter)
@receiver(post_delete, sender=PlanStarter)
def _starter_picked_or_removed(sender, instance, **kwargs):
    progress.learner_changed(FamilyPlan.objects.filter(pk=instance.plan_id).values_list("user_id", flat=True).first())


def _content_written(sender, **kwargs):
    published.content_changed()


content_changed.connect(_content_written)
# Quizzes and course structures are read from the cache by this version: a question deleted without
# `content_changed` (from a shell, say) must not be scored from a stale copy.
for _model in (Course, Module, Lesson, Quiz, Question, Choice):
    post_save.connect(_content_written, sender=_model, dispatch_uid=f"content-saved-{_model.__name__}")
    post_delete.connect(_content_written, sender=_model, dispatch_uid=f"content-deleted-{_model.__name__}")


@receiver(user_signed_up)
def _signed_up(sender, request, user, **kwargs):
    """A new account is enrolled in the course (it signs in once its address is confirmed)."""
    course = published.published_course()
    if course is not None:
        actions.enrol(user=user, course=course)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    """What was read as a guest in this browser is carried into the account that signs in."""
    if request is not None and hasattr(request, "session"):
        actions.adopt_guest_progress(user=user, session=request.session)
