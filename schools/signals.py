"""Keep dashboards exact: any write that changes what a school's dashboard shows gives it a new version.

See `schools.dashboard.snapshot`. Progress is the courses app's; it knows nothing of schools, so
the schools app listens to `courses.signals.progress_changed`, which it sends whenever a learner's
progress changed.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses.signals import progress_changed
from schools.dashboard import changed
from schools.models import Assignment, Cohort, Membership, Role, School


def _schools_of(user_id) -> list[int]:
    if user_id is None:
        return []
    return list(Membership.objects.filter(user_id=user_id, role=Role.FAMILY).values_list("school_id", flat=True))


@receiver(progress_changed)
def _progress_written(sender, user_id, **kwargs):
    changed(_schools_of(user_id))


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _name_or_email_changed(sender, instance, update_fields=None, **kwargs):
    # A log-in saves only last_login: nothing a dashboard shows.
    if update_fields is None or {"display_name", "email"} & set(update_fields):
        changed(_schools_of(instance.pk))


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=Cohort)
@receiver(post_delete, sender=Cohort)
def _school_row_changed(sender, instance, **kwargs):
    changed([instance.school_id])


@receiver(post_save, sender=Assignment)
@receiver(post_delete, sender=Assignment)
def _due_date_changed(sender, instance, **kwargs):
    changed(Cohort.objects.filter(pk=instance.cohort_id).values_list("school_id", flat=True))


@receiver(post_save, sender=School)
def _school_changed(sender, instance, **kwargs):
    changed([instance.pk])
