"""The published course as parents and guests read it: shared by every request until content changes.

Everything here is keyed by the content version (`core.versions.CONTENT`), which every save or
deletion of course content renews (`courses/receivers.py`): a changed course is read afresh on the
next request, on every server. What these functions return is shared: read it, never change it.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Prefetch
from django.urls import get_script_prefix
from django.utils.translation import get_language

from core import versions
from core.memo import Memo
from courses.models import Course, Lesson, Module

STRUCTURE_CACHE_SECONDS = 10 * 60
# Part of the cache key: raise it when what is cached changes shape, so a deploy never reads old entries.
STRUCTURE_FORMAT = 3

# The newest structures this process has read, by cache key. The key names the content version, so
# an entry is never stale: changed content has a new key. Saves a round trip and unpickling per page.
_recent_structures = Memo(16)
# Published courses by (content version, slug).
_recent_courses = Memo(64)


def content_version() -> str:
    """The current version of all course content: what is read from it may be kept while it stands."""
    return versions.for_this_request(versions.CONTENT)


def content_changed() -> None:
    """Some course content changed: every process reads its courses afresh."""
    versions.renew([versions.CONTENT])


def published_course(slug: str | None = None) -> Course | None:
    """The published course with this slug (without one: the first course); no query while nothing changed."""
    key = (content_version(), slug or "")
    try:
        return _recent_courses[key]
    except KeyError:
        published = Course.objects.published()
        course = published.filter(slug=slug).first() if slug else published.order_by("pk").first()
        return _recent_courses.keep(key, course)


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


def course_modules(course: Course, user) -> list[Module]:
    """The modules and lessons `user` sees; what parents see is cached until the course's content changes."""
    if user.is_staff:  # drafts too, read fresh
        return _with_links(list(visible_modules(course, user)), course)
    # Its links carry the language and the script prefix, so both are part of the key.
    key = f"course-structure:{STRUCTURE_FORMAT}:{course.pk}:{content_version()}:{get_language()}:{get_script_prefix()}"
    modules = _recent_structures.get(key)
    if modules is None:
        modules = cache.get_or_set(
            key, lambda: _with_links(list(visible_modules(course, user)), course), STRUCTURE_CACHE_SECONDS
        )
        _recent_structures.keep(key, modules)
    return modules


def published_lesson(course: Course, module_slug: str, lesson_slug: str) -> Lesson | None:
    """A published lesson of a published course, from the cached structure: no query of its own."""
    module = published_module(course, module_slug)
    if module is None:
        return None
    return next((lesson for lesson in module.lessons.all() if lesson.slug == lesson_slug), None)


def published_module(course: Course, module_slug: str) -> Module | None:
    """A published module of a published course, with its quiz if it has one, from the cached structure."""
    return next((module for module in course_modules(course, AnonymousUser()) if module.slug == module_slug), None)


def _with_links(modules: list[Module], course: Course) -> list[Module]:
    """Give each module and lesson its address and course once: reversing every link of a long outline
    is slow, and a link to a module needs its course."""
    base = course.get_absolute_url()
    for module in modules:
        module.course = course
        module.url = f"{base}{module.slug}/"
        module.quiz_link = f"{module.url}quiz/"
        for lesson in module.lessons.all():
            lesson.url = f"{module.url}{lesson.slug}/"
    return modules
