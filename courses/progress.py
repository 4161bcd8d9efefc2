"""Where a learner stands: lessons read, quizzes passed, what comes next, and what "done" means.

A learner's state in a course (`LearnerState`) is read in two queries and kept in the shared cache
under their learner version, which every write of their progress renews (`courses/receivers.py`);
`course_progress` joins it with the published structure (`courses.published`). Guests' progress is
kept in their session. Writing progress is for `courses.actions`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Value

from core import versions
from core.memo import Memo
from courses.models import (
    Certificate,
    Course,
    Enrollment,
    Lesson,
    LessonCompletion,
    Module,
    PlanStarter,
    Quiz,
    QuizAttempt,
)
from courses.published import content_version, course_modules

GUEST_LESSONS = "guest_completed_lessons"
NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"


# What "done" means, once for the outline, the certificate and schools' dashboards alike.


def module_status(*, steps: int, steps_done: int) -> str:
    """A module is done when every step is: each published lesson read, and its quiz passed if it has one."""
    if steps and steps_done >= steps:
        return DONE
    return IN_PROGRESS if steps_done else NOT_STARTED


def course_status(module_statuses: list[str], *, steps_done: int) -> str:
    """A course is done when it has modules and every one of them is done."""
    if module_statuses and all(status == DONE for status in module_statuses):
        return DONE
    return IN_PROGRESS if steps_done else NOT_STARTED


@dataclass
class ModuleProgress:
    module: Module
    lessons: list[Lesson]
    done_lessons: set[int]
    quiz_passed: bool
    has_quiz: bool

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.pk in self.done_lessons)

    @property
    def steps(self) -> int:
        return len(self.lessons) + (1 if self.has_quiz else 0)

    @property
    def steps_done(self) -> int:
        return self.lessons_done + (1 if self.quiz_passed else 0)

    @property
    def status(self) -> str:
        return module_status(steps=self.steps, steps_done=self.steps_done)

    def next_lesson(self) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.pk not in self.done_lessons), None)


@dataclass
class CourseProgress:
    course: Course
    modules: list[ModuleProgress] = field(default_factory=list)
    # The conversation starters in the learner's plan, by lesson (none for guests).
    picked: Mapping[int, frozenset[str]] = field(default_factory=dict)
    enrolled: bool = False
    # The cached structure it was built from (the key of a reused one is its identity).
    modules_read: list | None = field(default=None, repr=False, compare=False)

    @property
    def steps(self) -> int:
        return sum(module.steps for module in self.modules)

    @property
    def steps_done(self) -> int:
        return sum(module.steps_done for module in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps) if self.steps else 0

    @property
    def complete(self) -> bool:
        statuses = [module.status for module in self.modules]
        return course_status(statuses, steps_done=self.steps_done) == DONE

    @property
    def signature(self) -> str:
        """Which lessons are done and which quizzes passed: learners with the same one see the same outline."""
        done = sorted(
            lesson.pk for module in self.modules for lesson in module.lessons if lesson.pk in module.done_lessons
        )
        passed = sorted(module.module.pk for module in self.modules if module.quiz_passed)
        return f"{','.join(map(str, done))}|{','.join(map(str, passed))}"

    @property
    def started(self) -> bool:
        return self.steps_done > 0

    @property
    def minutes_left(self) -> int:
        # A quiz takes about as long as a short lesson.
        return sum(
            sum(lesson.minutes for lesson in module.lessons if lesson.pk not in module.done_lessons)
            + (3 if module.has_quiz and not module.quiz_passed else 0)
            for module in self.modules
        )

    def next_step(self) -> tuple[str, ModuleProgress, Lesson | None] | None:
        """The first unfinished step: ("lesson", module, lesson) or ("quiz", module, None)."""
        for module in self.modules:
            lesson = module.next_lesson()
            if lesson:
                return ("lesson", module, lesson)
            if module.has_quiz and not module.quiz_passed:
                return ("quiz", module, None)
        return None

    def next_url(self) -> str | None:
        step = self.next_step()
        if step is None:
            return None
        kind, module, lesson = step
        return lesson.url if kind == "lesson" else module.module.quiz_link

    def position_of(self, lesson: Lesson) -> tuple[int, int, int, int]:
        """(lesson number, lessons in module, module number, modules) for "Lesson 2 of 4 · Module 3 of 9"."""
        for module_number, module in enumerate(self.modules, start=1):
            for lesson_number, candidate in enumerate(module.lessons, start=1):
                if candidate.pk == lesson.pk:
                    return lesson_number, len(module.lessons), module_number, len(self.modules)
        return 0, 0, 0, len(self.modules)

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        """The lessons before and after `lesson` in course order."""
        ordered = [(module.module, item) for module in self.modules for item in module.lessons]
        for index, (_, candidate) in enumerate(ordered):
            if candidate.pk == lesson.pk:
                before = ordered[index - 1][1] if index > 0 else None
                after = ordered[index + 1][1] if index + 1 < len(ordered) else None
                return before, after
        return None, None

    def complete_with(self, *, lesson_id: int | None = None, module_id: int | None = None) -> bool:
        """Whether the course would be finished once this lesson is read, or this module's quiz passed."""
        return bool(self.modules) and all(
            all(lesson.pk in module.done_lessons or lesson.pk == lesson_id for lesson in module.lessons)
            and (not module.has_quiz or module.quiz_passed or module.module.pk == module_id)
            for module in self.modules
        )

    def module_of(self, item: Lesson | Quiz) -> ModuleProgress | None:
        """The progress in the module a lesson or a quiz belongs to."""
        return next((module for module in self.modules if module.module.pk == item.module_id), None)


# Progress built for parents and guests, by the structure and the state it was built from: a parent
# reloading a page, or guests at the same point, get the one already built.
_recent_progress = Memo(1024)


def course_progress(course: Course, *, user=None, guest_lessons=()) -> CourseProgress:
    """Where a learner (or a guest, from the lessons kept in their session) stands in a course.

    What parents and guests get may be shared with other requests of this process: read it, never change it.
    """
    user = user or AnonymousUser()
    modules = course_modules(course, user)
    if user.is_authenticated:
        version, state = _learner_entry(user, course)
        done, passed, picked, enrolled = state.done, state.passed, state.picked, state.enrolled
        key = (id(modules), user.pk, version)
    else:
        done, passed, picked, enrolled = set(guest_lessons), set(), {}, False
        key = (id(modules), None, tuple(sorted(done)))
    kept = None if user.is_staff else _recent_progress.get(key)
    if kept is not None and kept.modules_read is modules:
        return kept
    progress = CourseProgress(course, picked=picked, enrolled=enrolled)
    for module in modules:
        has_quiz = hasattr(module, "quiz")
        progress.modules.append(ModuleProgress(module, list(module.lessons.all()), done, module.pk in passed, has_quiz))
    if not user.is_staff:
        progress.modules_read = modules
        _recent_progress.keep(key, progress)
    return progress


@dataclass(frozen=True)
class LearnerState:
    """What a learner has done in one course: every page they see reads it, so it is kept in the cache."""

    done: frozenset[int]  # lessons completed
    passed: frozenset[int]  # modules whose quiz they passed
    enrolled: bool
    picked: dict[int, frozenset[str]]  # conversation starters in their plan, by lesson


# Part of the cache key: raise it when LearnerState changes shape.
LEARNER_STATE_FORMAT = 4
LEARNER_STATE_SECONDS = 60 * 60


def learner_version_key(user_id: int) -> str:
    return f"learner-version:{user_id}"


def learner_changed(user_id: int | None) -> None:
    """Something in LearnerState changed for this learner: their pages read it afresh."""
    if user_id is not None:
        versions.renew([learner_version_key(user_id)])


def learner_state(user, course: Course) -> LearnerState:
    """The learner's LearnerState, from the cache while nothing in it has changed."""
    return _learner_entry(user, course)[1]


def _learner_entry(user, course: Course) -> tuple[str, LearnerState]:
    """(version, state): the state and the learner's version are read together, in one round trip."""
    return versions.read_through(
        learner_version_key(user.pk),
        f"learner:{LEARNER_STATE_FORMAT}:{user.pk}:{course.pk}",
        lambda: _read_learner_state(user, course),
        LEARNER_STATE_SECONDS,
    )


def _read_learner_state(user, course: Course) -> LearnerState:
    """Two queries: the lessons read, the quizzes passed and the enrolment in one, then the picked starters."""
    # Unordered: a union's parts may not have an ORDER BY (their models' default ordering).
    lessons = LessonCompletion.objects.filter(user=user, lesson__module__course=course).order_by()
    passes = QuizAttempt.objects.filter(user=user, passed=True, quiz__module__course=course).order_by()
    enrolment = Enrollment.objects.filter(user=user, course=course).order_by()
    rows = (
        lessons.values_list(Value("lesson"), "lesson_id")
        .union(passes.values_list(Value("module"), "quiz__module_id"))
        .union(enrolment.values_list(Value("enrolled"), "course_id"))
    )
    done, passed, enrolled = set(), set(), False
    for kind, pk in rows:
        if kind == "lesson":
            done.add(pk)
        elif kind == "module":
            passed.add(pk)
        else:
            enrolled = True
    picked: dict[int, set[str]] = {}
    for lesson_id, text in PlanStarter.objects.filter(plan__user=user, plan__course=course).values_list(
        "lesson_id", "text"
    ):
        picked.setdefault(lesson_id, set()).add(text)
    return LearnerState(
        frozenset(done), frozenset(passed), enrolled, {pk: frozenset(texts) for pk, texts in picked.items()}
    )


def enrolments(user) -> list[Enrollment]:
    """The learner's enrolments, latest activity first, each with its course and whether they have its
    certificate (`certified`), for "My learning": kept under their own version (renewed by enrolments,
    certificates and each noted activity) and the content version (course titles)."""
    key = f"enrolments:{LEARNER_STATE_FORMAT}:{user.pk}:{content_version()}"
    name = _enrolments_version_key(user.pk)
    return versions.read_through(name, key, lambda: _read_enrolments(user), LEARNER_STATE_SECONDS)[1]


def _enrolments_version_key(user_id: int) -> str:
    return f"enrolments-version:{user_id}"


def enrolments_changed(user_id: int | None) -> None:
    """An enrolment, its last activity or a certificate of this learner changed: "My learning" reads them afresh."""
    if user_id is not None:
        versions.renew([_enrolments_version_key(user_id)])


def _read_enrolments(user) -> list[Enrollment]:
    certified = Certificate.objects.filter(user=OuterRef("user"), course=OuterRef("course"))
    enrolled = Enrollment.objects.filter(user=user).select_related("course").annotate(certified=Exists(certified))
    return list(enrolled.order_by("-last_activity_at"))


def is_open_to_guests(progress: CourseProgress, lesson: Lesson) -> bool:
    """Visitors may read every lesson of the first module without an account."""
    return bool(progress.modules) and progress.modules[0].module.pk == lesson.module_id
