"""What a coordinator sees: each family's status per module, computed in a fixed number of queries.

Completion only: the queries read lesson completions and whether a quiz was passed, never answers
or scores, so nothing here can leak them.

Working out 5,000 families' statuses takes a large part of a second, so each process keeps the
result (a `Snapshot`) and reuses it until something it shows changes: `changed()` gives the school a
new version in the shared cache whenever a family's progress, membership, cohort or name, or the
school's due dates change (schools/signals.py), and a snapshot is only used for its own version,
the course's content version and today's date. Dashboards are never stale.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import versions
from core.memo import Memo
from courses import progress
from courses.models import Course, LessonCompletion, Module, QuizAttempt, Status
from courses.progress import DONE, IN_PROGRESS, NOT_STARTED
from schools.models import Assignment, Membership, School

STATUS_LABELS = {
    DONE: gettext_lazy("Done"),
    IN_PROGRESS: gettext_lazy("In progress"),
    NOT_STARTED: gettext_lazy("Not started"),
}
OVERDUE = "overdue"
SORTS = {
    "name": lambda row: (row.name.casefold(), row.email.casefold()),
    "email": lambda row: row.email.casefold(),
    "cohort": lambda row: ((row.cohort or "\uffff").casefold(), row.name.casefold()),
    "progress": lambda row: (row.steps_done, row.name.casefold()),
    "due": lambda row: (row.due or date.max, row.name.casefold()),
}
EXPORT_CHUNK = 500


@dataclass
class ModuleShape:
    """What finishing a module takes: its published lessons and whether it has a quiz."""

    pk: int
    title: str
    lessons: int
    has_quiz: bool

    @property
    def steps(self) -> int:
        return self.lessons + (1 if self.has_quiz else 0)


@dataclass
class FamilyRow:
    membership_id: int
    user_id: int
    name: str
    email: str
    cohort: str | None
    cohort_id: int | None
    due: date | None
    modules: list[str] = field(default_factory=list)
    steps_done: int = 0

    @property
    def status(self) -> str:
        return progress.course_status(self.modules, steps_done=self.steps_done)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate() and self.status != DONE

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def module_cells(self) -> list[tuple[str, str]]:
        return [(status, STATUS_LABELS[status]) for status in self.modules]


def module_shapes(course: Course | None) -> list[ModuleShape]:
    """The published modules of the course, each with its lesson count: one query."""
    if course is None:
        return []
    modules = (
        Module.objects.published()
        .filter(course=course)
        .annotate(lesson_total=Count("lessons", filter=Q(lessons__status=Status.PUBLISHED), distinct=True))
        .values_list("pk", "title", "lesson_total", "quiz__id")
        .order_by("position", "pk")
    )
    return [ModuleShape(pk, title, lessons, quiz is not None) for pk, title, lessons, quiz in modules]


def _family_values(memberships) -> Iterable[dict]:
    return memberships.values(
        "pk", "user_id", "user__display_name", "user__email", "cohort_id", "cohort__name"
    ).order_by("pk")


def _due_dates(school: School, course: Course | None) -> dict[int, date]:
    if course is None:
        return {}
    return dict(Assignment.objects.filter(cohort__school=school, course=course).values_list("cohort_id", "due"))


def _rows(values: list[dict], shapes: list[ModuleShape], course: Course | None, dues: dict) -> list[FamilyRow]:
    """Statuses for these families: two aggregate queries, whatever their number."""
    user_ids = [value["user_id"] for value in values]
    done = defaultdict(int)
    passed = set()
    if shapes and user_ids:
        completions = (
            LessonCompletion.objects.filter(
                user_id__in=user_ids,
                lesson__status=Status.PUBLISHED,
                lesson__module__in=[shape.pk for shape in shapes],
            )
            .values("user_id", "lesson__module_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for item in completions:
            done[item["user_id"], item["lesson__module_id"]] = item["n"]
        passed = set(
            QuizAttempt.objects.filter(user_id__in=user_ids, passed=True, quiz__module__course=course)
            .values_list("user_id", "quiz__module_id")
            .distinct()
            .order_by()
        )
    rows = []
    for value in values:
        row = FamilyRow(
            membership_id=value["pk"],
            user_id=value["user_id"],
            name=value["user__display_name"],
            email=value["user__email"],
            cohort=value["cohort__name"],
            cohort_id=value["cohort_id"],
            due=dues.get(value["cohort_id"]),
        )
        for shape in shapes:
            steps = min(done[row.user_id, shape.pk], shape.lessons) + (
                1 if shape.has_quiz and (row.user_id, shape.pk) in passed else 0
            )
            row.steps_done += steps
            row.modules.append(progress.module_status(steps=shape.steps, steps_done=steps))
        rows.append(row)
    return rows


@dataclass
class Dashboard:
    school: School
    modules: list[ModuleShape]
    rows: list[FamilyRow]
    totals: dict[str, int]
    snapshot: "Snapshot"


def family_rows(school: School, memberships=None, course=None) -> tuple[list[ModuleShape], list[FamilyRow]]:
    """Every family of the school (or of `memberships`) with its statuses, in five queries."""
    course = course or school.the_course()
    shapes = module_shapes(course)
    memberships = memberships if memberships is not None else school.memberships.families()
    values = list(_family_values(memberships))
    return shapes, _rows(values, shapes, course, _due_dates(school, course))


def dashboard(school: School, *, cohort: int | None = None, status: str = "", search: str = "", sort: str = "name"):
    """Totals over the whole school and the rows matching the filters, sorted."""
    taken = snapshot(school)
    rows = filter_rows(taken.ordered(sort), cohort=cohort, status=status, search=search)
    return Dashboard(school, taken.shapes, rows, taken.totals, taken)


def filter_rows(rows: list[FamilyRow], *, cohort=None, status="", search="", sort=None) -> list[FamilyRow]:
    """The rows a coordinator asked for, in the order they asked for (or as given, without `sort`)."""
    needle = search.strip().casefold()
    picked = [
        row
        for row in rows
        if (cohort is None or row.cohort_id == cohort)
        and (not status or (row.overdue if status == OVERDUE else row.status == status))
        and (not needle or needle in row.name.casefold() or needle in row.email.casefold())
    ]
    return picked if sort is None else _sorted(picked, sort)


def _sorted(rows: list[FamilyRow], sort: str) -> list[FamilyRow]:
    key = SORTS.get(sort.lstrip("-"), SORTS["name"])
    return sorted(rows, key=key, reverse=sort.startswith("-"))


# Snapshots ---------------------------------------------------------------------------------------

SNAPSHOT_FORMAT = 2
RECENT_SNAPSHOTS = 8
SHARED_SNAPSHOT_SECONDS = 60 * 60
_snapshots = Memo(RECENT_SNAPSHOTS)


@dataclass
class Snapshot:
    """Every family of a school with its statuses and the totals, as of one version of the school."""

    shapes: list[ModuleShape]
    rows: list[FamilyRow]
    totals: dict[str, int]
    version: str = ""  # names this snapshot, for fragments of the page rendered from it
    orders: dict[str, list[FamilyRow]] = field(default_factory=dict)
    rendered: dict[int, str] = field(default_factory=dict)

    def row_html(self, row: FamilyRow) -> str:
        """The family's table row, rendered once: it shows nothing that differs between requests."""
        html = self.rendered.get(row.membership_id)
        if html is None:
            html = self.rendered[row.membership_id] = render_to_string("schools/includes/family_row.html", {"row": row})
        return html

    def ordered(self, sort: str) -> list[FamilyRow]:
        """The rows in a coordinator's chosen order, sorted once per snapshot."""
        if sort not in self.orders:
            self.orders[sort] = _sorted(self.rows, sort)
        return self.orders[sort]


def _version_key(school_id: int) -> str:
    return f"school-dashboard-version:{school_id}"


def changed(school_ids: Iterable[int]) -> None:
    """What these schools' dashboards show has changed."""
    versions.renew(_version_key(pk) for pk in school_ids)


def snapshot(school: School) -> Snapshot:
    """The school's families and totals, reused while nothing they show has changed.

    Named by the school's version and the version of course content (module titles show), so a
    warm dashboard reads one pair of versions and no database row of its own.
    """
    school_version, content_version = versions.current(_version_key(school.pk), versions.CONTENT)
    key = (SNAPSHOT_FORMAT, school.pk, school_version, content_version, timezone.localdate())
    taken = _snapshots.get(key)
    if taken is None:
        version = "-".join(map(str, key))
        # Another process may have worked it out already: loading it is far quicker than doing it again.
        taken = cache.get(f"school-dashboard:{version}")
        if taken is None:
            taken = _take_snapshot(school, school.the_course(), version)
            cache.set(f"school-dashboard:{version}", taken, SHARED_SNAPSHOT_SECONDS)
        _snapshots.keep(key, taken)
    return taken


def _take_snapshot(school: School, course, version: str) -> Snapshot:
    shapes, rows = family_rows(school, course=course)
    totals = {
        "families": len(rows),
        DONE: sum(1 for row in rows if row.status == DONE),
        IN_PROGRESS: sum(1 for row in rows if row.status == IN_PROGRESS),
        NOT_STARTED: sum(1 for row in rows if row.status == NOT_STARTED),
        OVERDUE: sum(1 for row in rows if row.overdue),
    }
    return Snapshot(shapes, rows, totals, version=version)


# CSV export ------------------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def export_lines(school: School, *, chunk: int = EXPORT_CHUNK) -> Iterator[str]:
    """The dashboard as CSV lines, a chunk of families at a time so memory stays flat."""
    course = school.the_course()
    shapes = module_shapes(course)
    dues = _due_dates(school, course)
    writer = csv.writer(_Echo())
    header = [_("Name"), _("Email"), _("Cohort"), _("Due"), _("Status"), *[shape.title for shape in shapes]]
    yield writer.writerow([neutralise(cell) for cell in header])
    families = school.memberships.families()
    last = 0
    while True:
        values = list(_family_values(families.filter(pk__gt=last))[:chunk])
        if not values:
            return
        last = values[-1]["pk"]
        for row in _rows(values, shapes, course, dues):
            cells = [
                row.name,
                row.email,
                row.cohort or "",
                row.due.isoformat() if row.due else "",
                STATUS_LABELS[row.status],
                *[STATUS_LABELS[status] for status in row.modules],
            ]
            yield writer.writerow([neutralise(cell) for cell in cells])


def families_not_finished(school: School) -> list[Membership]:
    """Families of the school who have not finished the course yet."""
    ids = [row.membership_id for row in snapshot(school).rows if row.status != DONE]
    return list(school.memberships.filter(pk__in=ids).select_related("user"))
