"""Keep dashboards exact: any write that changes what a school's dashboard shows gives it a new version.

See `schools.dashboard.snapshot`. Progress is the courses app's; it knows nothing of schools, so
the schools app listens to `courses.signals.progress_changed`, which it sends whenever a learner's
progress changed.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import versions
from courses.signals import progress_changed
from schools.dashboard import changed
from schools.models import Assignment, Cohort, Membership, Role, School
from schools.templatetags.schools import schools_version_key


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


def _members_see_it_changed(school_ids) -> None:
    """What "My learning" lists of these schools (their names, cohorts, due dates) changed for every member."""
    members = Membership.objects.filter(school_id__in=list(school_ids)).values_list("user_id", flat=True)
    versions.renew(schools_version_key(user_id) for user_id in members)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def _membership_changed(sender, instance, **kwargs):
    changed([instance.school_id])
    versions.renew([schools_version_key(instance.user_id)])


@receiver(post_save, sender=Cohort)
@receiver(post_delete, sender=Cohort)
def _cohort_changed(sender, instance, **kwargs):
    changed([instance.school_id])
    _members_see_it_changed([instance.school_id])


@receiver(post_save, sender=Assignment)
@receiver(post_delete, sender=Assignment)
def _due_date_changed(sender, instance, **kwargs):
    school_ids = list(Cohort.objects.filter(pk=instance.cohort_id).values_list("school_id", flat=True))
    changed(school_ids)
    _members_see_it_changed(school_ids)


@receiver(post_save, sender=School)
def _school_changed(sender, instance, **kwargs):
    changed([instance.pk])
    _members_see_it_changed([instance.pk])
