"""Publishing: what must be true of content before parents can see it."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from courses.models import Course, Lesson, Module, Question, QuestionKind, Quiz, Status


def question_problems(question: Question, choices) -> list[str]:
    """What is wrong with one question and its choices, in words an author can act on."""
    problems = []
    name = _("Question “%(question)s”") % {"question": question}
    correct = sum(1 for choice in choices if choice.is_correct)
    if question.kind == QuestionKind.SINGLE and correct != 1:
        problems.append(
            _("%(name)s is single choice, so it needs exactly one correct choice (it has %(count)d).")
            % {"name": name, "count": correct}
        )
    elif question.kind == QuestionKind.TRUE_FALSE and (len(choices) != 2 or correct != 1):
        problems.append(
            _("%(name)s is true/false, so it needs exactly two choices, one of them correct.") % {"name": name}
        )
    elif question.kind == QuestionKind.MULTIPLE and correct < 1:
        problems.append(_("%(name)s is multiple choice, so it needs at least one correct choice.") % {"name": name})
    for choice in choices:
        if not choice.feedback.strip():
            problems.append(_("%(name)s: the choice “%(choice)s” has no feedback.") % {"name": name, "choice": choice})
    return problems


def quiz_problems(quiz: Quiz | None, module: Module) -> list[str]:
    if quiz is None:
        return [_("Module “%(module)s” has no quiz.") % {"module": module}]
    questions = [question for question in quiz.questions.all() if not question.retired]
    if not questions:
        return [_("The quiz of module “%(module)s” has no questions.") % {"module": module}]
    return [problem for question in questions for problem in question_problems(question, list(question.choices.all()))]


def lesson_problems(lesson: Lesson) -> list[str]:
    """A lesson is publishable when its Markdown renders (every image has alt text)."""
    try:
        lesson.clean()
    except ValidationError as error:
        return [_("Lesson “%(lesson)s”: %(error)s") % {"lesson": lesson, "error": " ".join(error.messages)}]
    return []


def module_problems(module: Module) -> list[str]:
    """A module is publishable when it has a published lesson and a complete quiz."""
    problems = []
    if not any(lesson.status == Status.PUBLISHED for lesson in module.lessons.all()):
        problems.append(
            _("Module “%(module)s” has no published lessons: publish at least one lesson first.") % {"module": module}
        )
    try:
        quiz = module.quiz
    except Quiz.DoesNotExist:
        quiz = None
    return problems + quiz_problems(quiz, module)


def course_problems(course: Course) -> list[str]:
    if not course.modules.filter(status=Status.PUBLISHED).exists():
        return [_("Course “%(course)s” has no published modules: publish a module first.") % {"course": course}]
    return []


def problems_with(item) -> list[str]:
    """Why `item` (a course, module or lesson) cannot be published; empty when it can."""
    match item:
        case Lesson():
            return lesson_problems(item)
        case Module():
            return module_problems(item)
        case Course():
            return course_problems(item)
    raise TypeError(f"Cannot publish {type(item).__name__}")


def modules_for_publishing(queryset):
    """Modules with what module_problems() reads, fetched in a fixed number of queries."""
    return queryset.select_related("quiz").prefetch_related(
        "lessons", Prefetch("quiz__questions", queryset=Question.objects.prefetch_related("choices"))
    )


def publish(items) -> tuple[list, list[str]]:
    """Publish every item that passes its checks; return those published and the problems of the rest."""
    published, problems = [], []
    for item in items:
        found = problems_with(item)
        if found:
            problems.extend(found)
            continue
        if item.status != Status.PUBLISHED:
            item.status = Status.PUBLISHED
            item.save(update_fields=["status"])
            Course.course_of(item).content_changed()
        published.append(item)
    return published, problems


def unpublish(queryset) -> int:
    """Return items to draft, hiding them (and what is inside them) from parents."""
    courses = {Course.course_of(item) for item in queryset}
    count = queryset.update(status=Status.DRAFT)
    for course in courses:
        course.content_changed()
    return count
