from collections import defaultdict

from django import template

from core import versions
from courses.published import content_version
from schools.models import Assignment, Membership, Role

register = template.Library()

# Part of the cache key: raise it when what is cached changes shape.
MY_SCHOOLS_FORMAT = 1
MY_SCHOOLS_SECONDS = 60 * 60


def schools_version_key(user_id: int) -> str:
    """The version of the schools a user belongs to (renewed by `schools.signals`)."""
    return f"schools-of:{user_id}"


@register.inclusion_tag("schools/includes/my_schools.html", takes_context=True)
def my_schools(context):
    """The schools that see the user's progress (with due dates and "Leave"), and those they run."""
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    # Course titles show in the due dates: the content version is part of the key.
    key = f"my-schools:{MY_SCHOOLS_FORMAT}:{user.pk}:{content_version()}"
    _version, (families, coordinated) = versions.read_through(
        schools_version_key(user.pk), key, lambda: _memberships(user), MY_SCHOOLS_SECONDS
    )
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "families": families,
        "coordinated": coordinated,
    }


def _memberships(user) -> tuple[list[Membership], list]:
    memberships = list(Membership.objects.filter(user=user).select_related("school", "cohort").order_by("school__name"))
    families = [membership for membership in memberships if membership.role == Role.FAMILY]
    due = defaultdict(list)
    cohort_ids = [membership.cohort_id for membership in families if membership.cohort_id]
    if cohort_ids:
        for assignment in Assignment.objects.filter(cohort_id__in=cohort_ids).select_related("course"):
            due[assignment.cohort_id].append(assignment)
    for membership in families:
        membership.due = due.get(membership.cohort_id, [])
    return families, [membership.school for membership in memberships if membership.role == Role.COORDINATOR]
