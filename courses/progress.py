"""A learner's progress: lessons completed, quizzes passed, what comes next. Guests' too.

Reads build a CourseProgress in a fixed number of queries, whatever the size of the course;
writes are idempotent, so double clicks, two tabs and the back button never duplicate a row.
"""

import functools
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language

from core import versions
from core.memo import Memo
from courses import signals
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


# Certificate codes: unambiguous characters (no 0/O, 1/I/L), 12 of them: 60 bits of randomness.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


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

    def module_of(self, lesson: Lesson) -> ModuleProgress | None:
        return next((module for module in self.modules if module.module.pk == lesson.module_id), None)


def visible_modules(course: Course, user):
    """The modules and lessons `user` may see (staff: drafts too), with quizzes, in two queries."""
    # What outlines, progress and a parent's lesson page read; not the Markdown source.
    lessons = Lesson.objects.visible_to(user).only(
        "module_id", "slug", "title", "position", "status", "minutes", "body_html", "key_points", "try_saying", "today"
    )
    module_fields = ["course_id", "slug", "title", "position", "status"]
    module_fields += ["quiz__id", "quiz__module_id", "quiz__pass_mark", "quiz__shuffle"]
    return (
        Module.objects.visible_to(user)
        .filter(course=course)
        .only(*module_fields)
        .select_related("quiz")
        .prefetch_related(Prefetch("lessons", queryset=lessons))
    )


STRUCTURE_CACHE_SECONDS = 10 * 60
# Part of the cache key: raise it when what is cached changes shape, so a deploy never reads old entries.
STRUCTURE_FORMAT = 3


# The newest structures this process has read, by cache key. The key names the course's version, so
# an entry is never stale: a changed course has a new key. Saves a round trip and unpickling per page.
_recent_structures = Memo(16)


def course_modules(course: Course, user) -> list[Module]:
    """The modules and lessons `user` sees; what parents see is cached until the course's content changes.

    The cached objects are shared by every request: read them, never change them per learner.
    """
    if user.is_staff:
        return _with_links(list(visible_modules(course, user)), course)
    version = getattr(course, "content_version", None) or content_version()
    # Its links carry the script prefix, so the prefix is part of the key, as the language would be.
    key = f"course-structure:{STRUCTURE_FORMAT}:{course.pk}:{version}:{get_language()}:{get_script_prefix()}"
    modules = _recent_structures.get(key)
    if modules is None:
        modules = cache.get_or_set(
            key, lambda: _with_links(list(visible_modules(course, user)), course), STRUCTURE_CACHE_SECONDS
        )
        _recent_structures.keep(key, modules)
    return modules


def published_lesson(course: Course, module_slug: str, lesson_slug: str) -> Lesson | None:
    """A published lesson of a published course, from the cached structure: no query of its own."""
    for module in course_modules(course, AnonymousUser()):
        if module.slug == module_slug:
            for lesson in module.lessons.all():
                if lesson.slug == lesson_slug:
                    module.course = course  # so links to the lesson need no query of their own
                    return lesson
            return None
    return None


def published_module(course: Course, module_slug: str) -> Module | None:
    """A published module of a published course, with its quiz if it has one, from the cached structure."""
    for module in course_modules(course, AnonymousUser()):
        if module.slug == module_slug:
            module.course = course  # so links to the module need no query of their own
            return module
    return None


# Published courses by slug, as of a version of all course content; renewed whenever a course or
# anything in it changes (`Course.content_changed` and the receivers in `courses.receivers`).
CONTENT_VERSION = versions.CONTENT
_recent_courses = Memo(64)
_course_ids = Memo(64)  # by slug: which learner state to fetch with the content version


def content_version() -> str:
    """The current version of all course content: what is read from it may be kept while it stands."""
    return versions.for_this_request(CONTENT_VERSION)


def published_course(slug: str | None = None, *, learner=None) -> Course | None:
    """The published course with this slug (without one: the first course); no query while nothing changed.

    Every course page starts here, guests' too. The course is shared by the requests of this process
    until course content changes: read it, never change it per request. With a signed-in `learner`,
    their progress in it is fetched in the same round trip to the cache, for `learner_state` to use once.
    """
    names = [CONTENT_VERSION]
    course_id = _course_ids.get(slug or "")
    if learner is not None and learner.is_authenticated and course_id is not None:
        names += [learner_version_key(learner.pk), _learner_state_key(learner.pk, course_id)]
    found = cache.get_many(names)
    version = found.get(CONTENT_VERSION) or content_version()
    versions.remember(CONTENT_VERSION, version)
    if len(names) > 1:
        learner.__dict__["_fetched_learner_state"] = (course_id, _changes_seen, found)
    key = (version, slug or "")
    try:
        return _recent_courses[key]
    except KeyError:
        published = Course.objects.published()
        course = published.filter(slug=slug).first() if slug else published.order_by("pk").first()
        if course is not None:
            course.content_version = version  # what its structure and quizzes are read by, without asking again
            _course_ids.keep(slug or "", course.pk)
        return _recent_courses.keep(key, course)


def content_changed() -> None:
    """Some course content changed: every process reads its courses afresh."""
    versions.renew([CONTENT_VERSION])


def _with_links(modules: list[Module], course: Course) -> list[Module]:
    """Give each module and lesson its address once: reversing every link of a long outline is slow."""
    base = course.get_absolute_url()
    for module in modules:
        module.url = f"{base}{module.slug}/"
        module.quiz_link = f"{module.url}quiz/"
        for lesson in module.lessons.all():
            lesson.url = f"{module.url}{lesson.slug}/"
    return modules


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
        module.course = course  # so links to the module need no query of their own
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
LEARNER_STATE_FORMAT = 3
LEARNER_STATE_SECONDS = 60 * 60


def learner_version_key(user_id: int) -> str:
    return f"learner-version:{user_id}"


# Learner changes made by this process: a state fetched before one is never used after it.
_changes_seen = 0


def learner_changed(user_id: int | None) -> None:
    """Something in LearnerState changed for this learner: their pages read it afresh."""
    global _changes_seen
    if user_id is not None:
        _changes_seen += 1
        versions.renew([learner_version_key(user_id)])


def learner_state(user, course: Course) -> LearnerState:
    """The learner's LearnerState, from the cache while nothing in it has changed (see `courses.receivers`)."""
    return _learner_entry(user, course)[1]


def _learner_entry(user, course: Course) -> tuple[str, LearnerState]:
    """(version, state): the state and the learner's version are read together, in one round trip."""
    # What `published_course` fetched with the course, used once and only if nothing changed since.
    fetched_for, changes, fetched = user.__dict__.pop("_fetched_learner_state", (None, None, None))
    usable = fetched_for == course.pk and changes == _changes_seen
    entry = versions.read_through(
        learner_version_key(user.pk),
        _learner_state_key(user.pk, course.pk),
        lambda: _read_learner_state(user, course),
        LEARNER_STATE_SECONDS,
        fetched if usable else None,
    )
    user.__dict__["_learner_state_read"] = (course.pk, entry[1])  # for `passed_before`, later in the request
    return entry


def _learner_state_key(user_id: int, course_id: int) -> str:
    return f"learner:{LEARNER_STATE_FORMAT}:{user_id}:{course_id}"


def passed_before(attempt: QuizAttempt) -> bool:
    """Whether the learner had already passed this attempt's quiz, as far as the cache knows for sure.

    A quiz once passed stays passed, so the state this request read before the attempt (the quiz view
    reads it) answers without another round trip. False when it cannot tell without a query (then
    their progress is read afresh, which is always right).
    """
    if attempt.user_id is None or not QuizAttempt.quiz.is_cached(attempt) or not Quiz.module.is_cached(attempt.quiz):
        return False
    module = attempt.quiz.module
    user = attempt.user if QuizAttempt.user.is_cached(attempt) else None
    read_for, state = user.__dict__.get("_learner_state_read", (None, None)) if user is not None else (None, None)
    if read_for != module.course_id:
        entry = versions.kept(
            learner_version_key(attempt.user_id), _learner_state_key(attempt.user_id, module.course_id)
        )
        state = entry[1] if entry is not None else None
    return state is not None and module.pk in state.passed


def _read_learner_state(user, course: Course) -> LearnerState:
    """Two queries: done lessons, passed quizzes and the enrolment in one, then the picked starters."""
    done, passed, enrolled = set(), set(), False
    with connection.cursor() as cursor:
        cursor.execute(_learner_state_sql(), [user.pk, course.pk, user.pk, True, course.pk, user.pk, course.pk])
        for kind, pk in cursor.fetchall():
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


@functools.cache
def _learner_state_sql() -> str:
    """Written out once rather than built by the ORM on each read (which cost more than running it)."""
    models = (LessonCompletion, Lesson, Module, QuizAttempt, Quiz, Enrollment)
    table = {model: connection.ops.quote_name(model._meta.db_table) for model in models}
    return (
        f"SELECT 'lesson', c.lesson_id FROM {table[LessonCompletion]} c"
        f" JOIN {table[Lesson]} l ON l.id = c.lesson_id JOIN {table[Module]} m ON m.id = l.module_id"
        " WHERE c.user_id = %s AND m.course_id = %s"
        " UNION"
        f" SELECT 'module', q.module_id FROM {table[QuizAttempt]} a"
        f" JOIN {table[Quiz]} q ON q.id = a.quiz_id JOIN {table[Module]} m ON m.id = q.module_id"
        " WHERE a.user_id = %s AND a.passed = %s AND m.course_id = %s"
        " UNION"
        f" SELECT 'enrolled', e.course_id FROM {table[Enrollment]} e WHERE e.user_id = %s AND e.course_id = %s"
    )


def is_open_to_guests(progress: CourseProgress, lesson: Lesson) -> bool:
    """Visitors may read every lesson of the first module without an account."""
    return bool(progress.modules) and progress.modules[0].module.pk == lesson.module_id


def enrol(*, user, course: Course) -> Enrollment:
    """Enrol a learner in a course; enrolling twice changes nothing."""
    enrollment, _ = Enrollment.objects.get_or_create(user=user, course=course)
    return enrollment


# "Last active" is shown to the day: noting it more than once a minute would only add writes.
ACTIVITY_SECONDS = 60
# When this process last noted each (learner, course): a learner busy on this server costs no round
# trip to the cache for it; the cache keeps it to once a minute across servers.
_recent_touches = Memo(4096)


def touch(*, user, course: Course) -> None:
    """Note the learner's latest activity in the course, to the minute (enrolling them if need be)."""
    key, now = (user.pk, course.pk), time.monotonic()
    if now - _recent_touches.get(key, -ACTIVITY_SECONDS) < ACTIVITY_SECONDS:
        return
    _recent_touches.keep(key, now)
    if not cache.add(f"active:{user.pk}:{course.pk}", True, ACTIVITY_SECONDS):
        return
    now = timezone.now()
    if not Enrollment.objects.filter(user=user, course=course).update(last_activity_at=now):
        Enrollment.objects.get_or_create(user=user, course=course, defaults={"last_activity_at": now})


def complete_lesson(*, user, lesson: Lesson) -> bool:
    """Mark a lesson complete; True if this call did it, False if it was already complete."""
    try:
        with transaction.atomic():
            LessonCompletion.objects.create(user=user, lesson=lesson)
    except IntegrityError:
        return False
    finally:
        touch(user=user, course=lesson.module.course)
    return True


def remember_guest_lesson(session, lesson: Lesson) -> None:
    """Keep a guest's completed lesson in their session, to carry into an account later."""
    done = session.get(GUEST_LESSONS, [])
    if lesson.pk not in done:
        session[GUEST_LESSONS] = [*done, lesson.pk]


@transaction.atomic
def adopt_guest_progress(*, user, session) -> int:
    """Move the lessons a guest completed into their account; returns how many were new."""
    lesson_ids = session.pop(GUEST_LESSONS, [])
    if not lesson_ids:
        return 0
    lessons = list(Lesson.objects.published().filter(pk__in=lesson_ids).select_related("module__course"))
    already = set(LessonCompletion.objects.filter(user=user, lesson__in=lessons).values_list("lesson_id", flat=True))
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(user=user, lesson=lesson) for lesson in lessons if lesson.pk not in already],
        ignore_conflicts=True,
    )
    for course in {lesson.module.course for lesson in lessons}:
        touch(user=user, course=course)
    signals.progress_changed.send(sender=LessonCompletion, user_id=user.pk)
    return len(lessons) - len(already)


def new_certificate_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_certificate_if_complete(*, user, course: Course) -> Certificate | None:
    """Issue the course certificate once the learner has completed every module; only ever once."""
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing:
        return existing
    if not course_progress(course, user=user).complete:
        return None
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user, course=course, code=new_certificate_code(), name=user.display_name or user.email
            )
    except IntegrityError:
        return Certificate.objects.get(user=user, course=course)
