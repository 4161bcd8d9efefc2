from collections import defaultdict

from django import template

from schools.models import Assignment, Membership, Role

register = template.Library()


@register.inclusion_tag("schools/includes/my_schools.html", takes_context=True)
def my_schools(context):
    """The schools that see the user's progress (with due dates and "Leave"), and those they run."""
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    memberships = list(Membership.objects.filter(user=user).select_related("school", "cohort").order_by("school__name"))
    families = [membership for membership in memberships if membership.role == Role.FAMILY]
    due = defaultdict(list)
    cohort_ids = [membership.cohort_id for membership in families if membership.cohort_id]
    if cohort_ids:
        for assignment in Assignment.objects.filter(cohort_id__in=cohort_ids).select_related("course"):
            due[assignment.cohort_id].append(assignment)
    for membership in families:
        membership.due = due.get(membership.cohort_id, [])
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "families": families,
        "coordinated": [membership.school for membership in memberships if membership.role == Role.COORDINATOR],
    }
