"""A parent's family online-safety plan: the apps to check, starters to try, trusted adults.

Reads return plain values or dataclasses in a fixed number of queries; writes are keyword-only,
atomic and idempotent, so double submits and two tabs never duplicate a row. Anything that is not
on the course's checklist or in the lesson is refused with a PlanError before anything is written.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from courses.models import AppGuide, Course, FamilyPlan, Lesson, PlanApp, PlanSetting, PlanStarter, Status

# A short list is easier for a child to remember, and keeps the printed plan to a page.
MAX_TRUSTED_ADULTS = 6
MAX_TRUSTED_ADULT_LENGTH = 120


class PlanError(ValueError):
    """Something the parent sent is not (or no longer) part of the course; `message` says what to do."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class NotOnLesson(PlanError):
    """The conversation starter is not one of the lesson's "Try saying" lines."""


class NotOnChecklist(PlanError):
    """The app, or one of its settings, is not on the course's checklist."""


@dataclass
class AppInPlan:
    """A chosen app with each of its settings, in the checklist's order, and whether it is done."""

    guide: AppGuide
    settings: list[tuple[str, bool]]

    @property
    def done_count(self) -> int:
        return sum(1 for _setting, done in self.settings if done)


@dataclass
class PlanSummary:
    """Everything the plan page shows for one parent and course."""

    plan: FamilyPlan | None
    apps: list[AppInPlan] = field(default_factory=list)
    starters: list[PlanStarter] = field(default_factory=list)
    trusted_adults: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.apps or self.starters or self.trusted_adults)


# Reads


def app_guides(course: Course) -> list[AppGuide]:
    """The course's checklist of apps and games, in the authors' order."""
    return list(course.app_guides.order_by("position", "pk"))


def saved_ticks(*, user, course: Course) -> dict[str, set[str]]:
    """The apps in the parent's plan, by slug, each with the settings ticked as done: one query."""
    saved: dict[str, set[str]] = {}
    rows = PlanApp.objects.filter(plan__user=user, plan__course=course).values_list("app__slug", "ticks__setting")
    for slug, setting in rows:
        ticked = saved.setdefault(slug, set())
        if setting is not None:
            ticked.add(setting)
    return saved


def trusted_adults(*, user, course: Course) -> list[str]:
    """The trusted adults the parent has named for this course's plan."""
    saved = FamilyPlan.objects.filter(user=user, course=course).values_list("trusted_adults", flat=True).first()
    return FamilyPlan(trusted_adults=saved or "").trusted_adult_list


def plan_summary(*, user, course: Course) -> PlanSummary:
    """The parent's plan for a course, ready to show: four queries at most, whatever its size."""
    plan = FamilyPlan.objects.filter(user=user, course=course).first()
    if plan is None:
        return PlanSummary(plan=None)
    picks = (
        PlanApp.objects.filter(plan=plan)
        .select_related("app")
        .prefetch_related("ticks")
        .order_by("app__position", "app__pk")
    )
    apps = []
    for pick in picks:
        ticked = {tick.setting for tick in pick.ticks.all()}
        apps.append(AppInPlan(pick.app, [(setting, setting in ticked) for setting in pick.app.setting_list]))
    starters = list(
        PlanStarter.objects.filter(plan=plan)
        .select_related("lesson__module__course")
        .order_by("lesson__module__position", "lesson__position", "created_at", "pk")
    )
    for starter in starters:
        # Parents can only open published lessons, so drafts are named without a link.
        starter.lesson_is_open = (
            starter.lesson.status == Status.PUBLISHED and starter.lesson.module.status == Status.PUBLISHED
        )
    return PlanSummary(plan=plan, apps=apps, starters=starters, trusted_adults=plan.trusted_adult_list)


def starter_lessons(user) -> QuerySet[Lesson]:
    """Lessons a parent may pick starters from, or still has starters from (e.g. one since made a draft)."""
    picked = PlanStarter.objects.filter(plan__user=user).values("lesson_id")
    return Lesson.objects.filter(Q(pk__in=Lesson.objects.visible_to(user).values("pk")) | Q(pk__in=picked))


def tidy_names(names: Iterable[str]) -> list[str]:
    """Names without blanks, outer spaces or repeats (ignoring case), in the order given."""
    tidy, seen = [], set()
    for name in names:
        name = " ".join(name.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            tidy.append(name)
    return tidy


def export_plans(user) -> list[dict]:
    """The parent's plans, for "Download my data"."""
    plans = (
        FamilyPlan.objects.filter(user=user)
        .select_related("course")
        .prefetch_related("apps__app", "apps__ticks", "starters__lesson__module")
        .order_by("pk")
    )
    return [
        {
            "course": plan.course.slug,
            "updated_at": plan.updated_at.isoformat(),
            "apps": [
                {"app": pick.app.slug, "settings_done": sorted(tick.setting for tick in pick.ticks.all())}
                for pick in plan.apps.all()
            ],
            "conversation_starters": [
                {"module": starter.lesson.module.slug, "lesson": starter.lesson.slug, "text": starter.text}
                for starter in plan.starters.all()
            ],
            "trusted_adults": plan.trusted_adult_list,
        }
        for plan in plans
    ]


# Writes


def _plan_of(*, user, course: Course) -> FamilyPlan:
    plan, _created = FamilyPlan.objects.get_or_create(user=user, course=course)
    return plan


@transaction.atomic
def pick_starter(*, user, lesson: Lesson, text: str) -> bool:
    """Add one of the lesson's conversation starters to the plan; True if it was not there already."""
    text = text.strip()
    if text not in lesson.try_saying_list:
        raise NotOnLesson(
            _("That conversation starter is no longer in this lesson. Please pick one from the list again.")
        )
    plan = _plan_of(user=user, course=lesson.module.course)
    _starter, created = PlanStarter.objects.get_or_create(plan=plan, lesson=lesson, text=text)
    if created:
        plan.save(update_fields=["updated_at"])
    return created


@transaction.atomic
def drop_starter(*, user, lesson: Lesson, text: str) -> bool:
    """Take a conversation starter out of the plan; True if it was there."""
    deleted, _by_model = PlanStarter.objects.filter(plan__user=user, lesson=lesson, text=text.strip()).delete()
    if deleted:
        FamilyPlan.objects.get(user=user, course=lesson.module.course).save(update_fields=["updated_at"])
    return bool(deleted)


@transaction.atomic
def save_checklist(*, user, course: Course, apps: Collection[str], ticks: Mapping[str, Collection[str]]) -> FamilyPlan:
    """Keep exactly these apps in the plan, each with these settings done; ticks for other apps are ignored."""
    guides = {guide.slug: guide for guide in course.app_guides.all()}
    if set(apps) - guides.keys():
        raise NotOnChecklist(_("One of the apps you ticked is no longer on our checklist. Please look again."))
    for slug in apps:
        if set(ticks.get(slug, ())) - set(guides[slug].setting_list):
            raise NotOnChecklist(
                _("A setting you ticked for %(app)s has changed on our checklist. Please look again.")
                % {"app": guides[slug].name}
            )
    plan = _plan_of(user=user, course=course)
    PlanApp.objects.filter(plan=plan).exclude(app__slug__in=apps).delete()
    existing = {pick.app_id: pick for pick in PlanApp.objects.filter(plan=plan)}
    for slug in sorted(apps):
        guide = guides[slug]
        pick = existing.get(guide.pk) or PlanApp.objects.get_or_create(plan=plan, app=guide)[0]
        done = set(ticks.get(slug, ()))
        # Ticks on settings an author has since reworded stay put: the parent did check them.
        PlanSetting.objects.filter(plan_app=pick, setting__in=guide.setting_list).exclude(setting__in=done).delete()
        PlanSetting.objects.bulk_create(
            [PlanSetting(plan_app=pick, setting=setting) for setting in sorted(done)], ignore_conflicts=True
        )
    plan.save(update_fields=["updated_at"])
    return plan


@transaction.atomic
def save_trusted_adults(*, user, course: Course, names: Sequence[str]) -> FamilyPlan:
    """Keep the trusted adults the parent names (an empty list clears them)."""
    names = tidy_names(names)
    if len(names) > MAX_TRUSTED_ADULTS:
        raise PlanError(_("Please name up to %(count)d people.") % {"count": MAX_TRUSTED_ADULTS})
    if any(len(name) > MAX_TRUSTED_ADULT_LENGTH for name in names):
        raise PlanError(
            _("Please keep each line to %(count)d characters or fewer.") % {"count": MAX_TRUSTED_ADULT_LENGTH}
        )
    plan = _plan_of(user=user, course=course)
    plan.trusted_adults = "\n".join(names)
    plan.save(update_fields=["trusted_adults", "updated_at"])
    return plan
