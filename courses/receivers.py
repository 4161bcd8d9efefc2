"""Keep what `courses.progress` caches exact: each write that changes it gives it a new version.

A learner's progress, enrolment and picked starters are cached under their learner version; the
published courses under the content version.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses import progress
from courses.models import Course, Enrollment, FamilyPlan, LessonCompletion, PlanStarter, QuizAttempt
from courses.signals import content_changed, progress_changed


@receiver(post_save, sender=LessonCompletion)
@receiver(post_delete, sender=LessonCompletion)
@receiver(post_save, sender=QuizAttempt)
@receiver(post_delete, sender=QuizAttempt)
@receiver(post_save, sender=Enrollment)
@receiver(post_delete, sender=Enrollment)
def _learner_row_written(sender, instance, **kwargs):
    progress.learner_changed(instance.user_id)


@receiver(progress_changed)
def _learner_rows_written_in_bulk(sender, user, **kwargs):
    progress.learner_changed(user.pk)


@receiver(post_save, sender=PlanStarter)
@receiver(post_delete, sender=PlanStarter)
def _starter_picked_or_removed(sender, instance, **kwargs):
    progress.learner_changed(FamilyPlan.objects.filter(pk=instance.plan_id).values_list("user_id", flat=True).first())


@receiver(post_save, sender=Course)
@receiver(post_delete, sender=Course)
@receiver(content_changed)
def _course_written(sender, **kwargs):
    progress.content_changed()
