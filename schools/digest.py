"""The weekly digest: each Monday, a school's coordinators hear what changed in the week before.

Who joined, how many families finished each module and whose due date passed without the course
finished, worked out in a fixed number of queries per school whatever its number of families.
Completion only, as on the dashboard: the queries read when lessons were done and when a quiz was
first passed, never answers or scores.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode

from core.mail import send_templated_email
from courses.models import LessonCompletion, QuizAttempt, Status
from courses.progress import DONE
from schools.dashboard import OVERDUE, ModuleShape, snapshot
from schools.models import Role, School

# Longer lists end with "and N more": the dashboard has them all.
MAX_NAMES = 20
_PERIOD = re.compile(r"(\d{4})-W(\d{2})")


def week_before(period: str) -> tuple[datetime, datetime]:
    """[Monday 00:00 of the ISO week before `period` ("2026-W49"), Monday 00:00 of `period`), in local time."""
    match = _PERIOD.fullmatch(period)
    if match is None:
        raise ValueError(f"{period!r} is not an ISO week like '2026-W49'.")
    monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)  # ValueError for a week the year lacks
    zone = timezone.get_default_timezone()
    # New Zealand's clocks change at 2 or 3 am on a Sunday: midnight on a Monday always exists, once.
    return (
        datetime.combine(monday - timedelta(days=7), time.min, tzinfo=zone),
        datetime.combine(monday, time.min, tzinfo=zone),
    )


@dataclass
class Digest:
    """What happened at one school in one week; false when there is nothing to tell."""

    joined: list[str] = field(default_factory=list)
    finished: list[tuple[str, int]] = field(default_factory=list)  # (module title, families), in module order
    fell_behind: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.joined or self.finished or self.fell_behind)


def _sorted_names(names) -> list[str]:
    return sorted(names, key=lambda name: (name.casefold(), name))


def digest_for(school: School, *, start: datetime, end: datetime) -> Digest:
    """The school's digest for [start, end), in a fixed number of queries whatever its number of families."""
    taken = snapshot(school)
    joined = (
        school.memberships.families()
        .filter(joined_at__gte=start, joined_at__lt=end)
        .values_list("user__display_name", "user__email")
    )
    first_day, last_day = timezone.localdate(start), timezone.localdate(end) - timedelta(days=1)
    return Digest(
        joined=_sorted_names(name or email for name, email in joined),
        finished=_finished(school, taken.shapes, start, end),
        fell_behind=_sorted_names(
            row.name or row.email
            for row in taken.rows
            if row.due is not None and first_day <= row.due <= last_day and row.status != DONE
        ),
    )


def _finished(school: School, shapes: list[ModuleShape], start: datetime, end: datetime) -> list[tuple[str, int]]:
    """(title, families) for each module the school's families finished in [start, end): two aggregate queries.

    A module is finished at the moment of its last step: the latest of its lessons' completions or
    its quiz's first pass, whichever came later. It counts only if it is still complete now.
    """
    if not shapes:
        return []
    families = school.memberships.families().values("user_id")
    module_ids = [shape.pk for shape in shapes]
    lessons = {
        (item["user_id"], item["lesson__module_id"]): (item["done"], item["last"])
        for item in LessonCompletion.objects.filter(
            user_id__in=families, lesson__status=Status.PUBLISHED, lesson__module_id__in=module_ids
        )
        .values("user_id", "lesson__module_id")
        .annotate(done=Count("pk"), last=Max("completed_at"))
        .order_by()
    }
    passes = {
        (item["user_id"], item["quiz__module_id"]): item["first"]
        for item in QuizAttempt.objects.filter(user_id__in=families, passed=True, quiz__module_id__in=module_ids)
        .values("user_id", "quiz__module_id")
        .annotate(first=Min("created_at"))
        .order_by()
    }
    by_pk = {shape.pk: shape for shape in shapes}
    counts = Counter()
    for user_id, module_id in lessons.keys() | passes.keys():
        shape = by_pk[module_id]
        moments = []
        if shape.lessons:
            done, last = lessons.get((user_id, module_id), (0, None))
            if done < shape.lessons:
                continue
            moments.append(last)
        if shape.has_quiz:
            if (user_id, module_id) not in passes:
                continue
            moments.append(passes[user_id, module_id])
        if moments and start <= max(moments) < end:
            counts[module_id] += 1
    return [(shape.title, counts[shape.pk]) for shape in shapes if counts[shape.pk]]


def _capped(names: list[str]) -> dict:
    return {"names": names[:MAX_NAMES], "more": max(len(names) - MAX_NAMES, 0)}


def _context(school: School, digest: Digest, start: datetime, end: datetime, base_url: str) -> dict:
    """What the templates show, as JSON, without the coordinator's own stop link."""
    dashboard_link = base_url + school.get_absolute_url()
    return {
        "school": {"name": school.name},
        "first_day": date_format(timezone.localdate(start), "j F Y"),
        "last_day": date_format(timezone.localdate(end) - timedelta(days=1), "j F Y"),
        "joined": _capped(digest.joined),
        "finished": [{"title": title, "families": families} for title, families in digest.finished],
        "fell_behind": _capped(digest.fell_behind),
        "dashboard_link": dashboard_link,
        "overdue_link": f"{dashboard_link}?{urlencode({'status': OVERDUE})}",
    }


def send_weekly_digests(*, period: str, base_url: str) -> int:
    """Queue each school's digest of the week before `period`; a week with nothing to report sends no email."""
    start, end = week_before(period)
    base_url = base_url.rstrip("/")
    schools = (
        School.objects.filter(memberships__role=Role.COORDINATOR, memberships__digest_stopped=False)
        .distinct()
        .select_related("course")
        .order_by("pk")
    )
    queued = 0
    for school in schools:
        digest = digest_for(school, start=start, end=end)
        if not digest:
            continue
        context = _context(school, digest, start, end, base_url)
        for membership in school.memberships.coordinators().filter(digest_stopped=False).select_related("user"):
            stop_link = base_url + reverse("schools:stop-digest", kwargs={"token": membership.reminder_token})
            email = send_templated_email(
                to=membership.user.email,
                template="schools/email/digest",
                context={**context, "stop_link": stop_link},
                # Once per coordinator, school and week, however often the job runs.
                key=f"digest:{membership.pk}:{period}",
            )
            if email is not None:
                queued += 1
    return queued
