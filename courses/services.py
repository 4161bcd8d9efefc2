"""Writes that touch several course models at once: importing a course from its files."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q

from courses.content_files import (
    ContentError,
    CourseData,
    ModuleData,
    Problem,
    QuizData,
    course_problems,
    rendered_markdown,
)
from courses.models import AppGuide, Choice, Course, Lesson, Module, Question, Quiz, QuizAttempt, Status
from courses.quizzes import each_answer


@dataclass
class Tally:
    """What an import did to one kind of item."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    drafted: int = 0
    retired: int = 0
    deleted: int = 0

    def __str__(self):
        parts = [f"{self.created} created", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        others = (("drafted", self.drafted), ("retired", self.retired), ("deleted", self.deleted))
        parts += [f"{count} {name}" for name, count in others if count]
        return ", ".join(parts)

    @property
    def in_files(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.drafted or self.retired or self.deleted)


@dataclass
class ImportReport:
    slug: str
    course: Tally = field(default_factory=Tally)
    modules: Tally = field(default_factory=Tally)
    lessons: Tally = field(default_factory=Tally)
    quizzes: Tally = field(default_factory=Tally)
    questions: Tally = field(default_factory=Tally)
    choices: Tally = field(default_factory=Tally)
    app_guides: Tally = field(default_factory=Tally)
    # One line for each item drafted, retired or deleted because it is no longer in the files.
    notes: list[str] = field(default_factory=list)

    def __str__(self):
        counts = ", ".join(f"{_plural(tally.in_files, name)} ({tally})" for name, tally in self.tallies()[1:])
        course = "created" if self.course.created else "updated" if self.course.updated else "unchanged"
        return "\n".join([f"Imported {self.slug}: {counts}; course details {course}.", *self.notes])

    def tallies(self) -> list[tuple[str, Tally]]:
        return [
            ("course", self.course),
            ("module", self.modules),
            ("lesson", self.lessons),
            ("quiz", self.quizzes),
            ("question", self.questions),
            ("choice", self.choices),
            ("app guide", self.app_guides),
        ]

    @property
    def changed(self) -> bool:
        return any(tally.changed for _, tally in self.tallies())


@transaction.atomic
def import_course(*, data: CourseData) -> ImportReport:
    """Create or update a course from its files, matched by slug; learners' progress is kept."""
    problems = course_problems(data)
    if problems:
        raise ContentError(problems)
    course = Course.objects.select_for_update().filter(slug=data.slug).first()
    existing = _Existing(course)
    # Everything the files would delete is checked before the first write, so a refusal changes nothing.
    problems = existing.deletion_problems(data)
    if problems:
        raise ContentError(problems)
    importer = _Importer(data=data, existing=existing)
    try:
        importer.run(course)
    except ValidationError as error:
        # The file checks should have caught it; the transaction is rolled back all the same.
        raise ContentError([Problem(importer.current, "", message) for message in error.messages]) from error
    if importer.report.changed:
        Course.objects.get(slug=data.slug).content_changed()
    return importer.report


def _plural(count: int, name: str) -> str:
    plural = {"quiz": "quizzes"}.get(name, f"{name}s")
    return f"{count} {name if count == 1 else plural}"


class _Existing:
    """The course's rows as they are before the import, fetched in a fixed number of queries."""

    def __init__(self, course: Course | None):
        self.modules: dict[str, Module] = {}
        self.lessons: dict[int, dict[str, Lesson]] = defaultdict(dict)
        self.quizzes: dict[int, Quiz] = {}
        self.questions: dict[int, dict[str, Question]] = defaultdict(dict)
        self.choices: dict[int, list[Choice]] = defaultdict(list)
        self.apps: dict[str, AppGuide] = {}
        # Questions the files no longer have that parents answered (see deletion_problems).
        self.answered: set[int] = set()
        if course is None:
            return
        self.modules = {module.slug: module for module in course.modules.all()}
        for lesson in Lesson.objects.filter(module__course=course):
            self.lessons[lesson.module_id][lesson.slug] = lesson
        self.quizzes = {quiz.module_id: quiz for quiz in Quiz.objects.filter(module__course=course)}
        for question in Question.objects.filter(quiz__module__course=course):
            self.questions[question.quiz_id][question.slug] = question
        for choice in Choice.objects.filter(question__quiz__module__course=course):
            self.choices[choice.question_id].append(choice)
        self.apps = {app.slug: app for app in course.app_guides.all()}

    def quiz_of(self, module_data: ModuleData) -> Quiz | None:
        module = self.modules.get(module_data.slug)
        return self.quizzes.get(module.pk) if module else None

    def doomed(self, data: CourseData) -> tuple[list, list, list]:
        """The quizzes, questions and choices the files no longer have, each with where it was."""
        quizzes, questions, choices = [], [], []
        for module_data in data.modules:
            quiz = self.quiz_of(module_data)
            if quiz is None:
                continue
            file = f"{module_data.folder or module_data.slug}/quiz.toml"
            if module_data.quiz is None:
                quizzes.append((file, "", quiz))
                continue
            kept = {question.slug: len(question.choices) for question in module_data.quiz.questions}
            for slug, question in self.questions[quiz.pk].items():
                if slug not in kept:
                    questions.append((file, f"question '{slug}'", question))
                    continue
                extra = self.choices[question.pk][kept[slug] :]
                for number, choice in enumerate(extra, start=kept[slug] + 1):
                    choices.append((file, f"question '{slug}', choice {number}", choice))
        return quizzes, questions, choices

    def deletion_problems(self, data: CourseData) -> list[Problem]:
        """Deleting what parents have answered would take their attempts with it: refuse instead.

        A question parents answered that the files no longer have is not a problem: it is retired (kept,
        no longer asked), and `answered` remembers which ones for the import.
        """
        quizzes, questions, choices = self.doomed(data)
        attempted = set(QuizAttempt.objects.filter(quiz__in=_rows(quizzes)).values_list("quiz_id", flat=True))
        self.answered, picked = _used_in_answers(
            {row.pk for row in _rows(questions) if not row.retired}, {row.pk for row in _rows(choices)}
        )
        draft = "or take its module out of the files to set it to draft"
        checks = [
            (quizzes, attempted, f"is missing, but parents have taken this quiz; keep the file, {draft}"),
            (choices, picked, "was picked in parents' answers; keep it in the file (choices are matched by position)"),
        ]
        return [
            Problem(file, where, message)
            for doomed, used, message in checks
            for file, where, row in doomed
            if row.pk in used
        ]


def _rows(doomed: list) -> list:
    return [row for _, _, row in doomed]


def _used_in_answers(question_ids: set[int], choice_ids: set[int]) -> tuple[set[int], set[int]]:
    """Of these questions and choices, the ones parents' quiz attempts answered and picked."""
    answered, picked = set(), set()
    if not question_ids and not choice_ids:
        return answered, picked
    quizzes = Question.objects.filter(Q(pk__in=question_ids) | Q(choices__in=choice_ids)).values("quiz")
    for answer in each_answer(QuizAttempt.objects.filter(quiz__in=quizzes)):
        if answer["question"] in question_ids:
            answered.add(answer["question"])
        picked.update(choice_ids.intersection(answer["picked"]))
    return answered, picked


class _Importer:
    """Brings the database in line with the files, saving only the rows that differ."""

    def __init__(self, *, data: CourseData, existing: _Existing):
        self.data = data
        self.existing = existing
        self.report = ImportReport(slug=data.slug)
        # The file being imported, to name it if a model check fails.
        self.current = "course.toml"

    def run(self, course: Course | None):
        data = self.data
        course = course or Course(slug=data.slug)
        self.sync(course, self.report.course, title=data.title, status=data.status, summary=data.summary)
        for position, module_data in enumerate(data.modules, start=1):
            self.module(course, module_data, position)
        in_files = {module.slug for module in data.modules}
        for slug, module in self.existing.modules.items():
            if slug not in in_files:
                self.draft(module, self.report.modules, f"Module '{slug}' is not in the files")
        self.current = "apps.toml"
        for position, app in enumerate(data.apps, start=1):
            guide = self.existing.apps.get(app.slug) or AppGuide(course=course, slug=app.slug)
            self.sync(
                guide,
                self.report.app_guides,
                name=app.name,
                position=position,
                settings="\n".join(app.settings),
                checked_on=app.checked_on,
                sources="\n".join(app.sources),
            )
        in_files = {app.slug for app in data.apps}
        for slug, guide in self.existing.apps.items():
            if slug not in in_files:
                guide.delete()
                self.report.app_guides.deleted += 1
                self.report.notes.append(f"Deleted app guide '{slug}': it is not in apps.toml.")

    def module(self, course: Course, data: ModuleData, position: int):
        folder = data.folder or data.slug
        self.current = f"{folder}/module.md"
        module = self.existing.modules.get(data.slug) or Module(course=course, slug=data.slug)
        self.sync(
            module,
            self.report.modules,
            title=data.title,
            intro=data.intro,
            intro_html=rendered_markdown(data.intro, field="intro"),
            position=position,
            status=data.status,
            last_reviewed=data.last_reviewed,
            sources="\n".join(data.sources),
        )
        lessons = self.existing.lessons[module.pk]
        for lesson_position, lesson_data in enumerate(data.lessons, start=1):
            self.current = lesson_data.file or f"{folder}/{lesson_data.slug}.md"
            lesson = lessons.get(lesson_data.slug) or Lesson(module=module, slug=lesson_data.slug)
            self.sync(
                lesson,
                self.report.lessons,
                title=lesson_data.title,
                body=lesson_data.body,
                body_html=rendered_markdown(lesson_data.body),
                position=lesson_position,
                status=lesson_data.status,
                minutes=lesson_data.minutes,
                key_points="\n".join(lesson_data.key_points),
                try_saying="\n".join(lesson_data.try_saying),
                today=lesson_data.today,
            )
        in_files = {lesson.slug for lesson in data.lessons}
        for slug, lesson in lessons.items():
            if slug not in in_files:
                self.draft(lesson, self.report.lessons, f"Lesson '{data.slug}/{slug}' is not in the files")
        self.current = f"{folder}/quiz.toml"
        quiz = self.existing.quizzes.get(module.pk)
        if data.quiz is None:
            if quiz is not None:
                quiz.delete()
                self.report.quizzes.deleted += 1
                self.report.notes.append(f"Deleted the quiz of module '{data.slug}': it has no quiz.toml.")
            return
        self.quiz(quiz or Quiz(module=module), data.quiz)

    def quiz(self, quiz: Quiz, data: QuizData):
        self.sync(quiz, self.report.quizzes, pass_mark=data.pass_mark, shuffle=data.shuffle)
        questions = self.existing.questions[quiz.pk]
        for position, question_data in enumerate(data.questions, start=1):
            question = questions.get(question_data.slug) or Question(quiz=quiz, slug=question_data.slug)
            self.sync(
                question,
                self.report.questions,
                position=position,
                kind=question_data.kind,
                text=question_data.text,
                explanation=question_data.explanation,
                retired=False,
            )
            choices = self.existing.choices[question.pk]
            for index, choice_data in enumerate(question_data.choices):
                choice = choices[index] if index < len(choices) else Choice(question=question)
                self.sync(
                    choice,
                    self.report.choices,
                    position=index + 1,
                    text=choice_data.text,
                    is_correct=choice_data.correct,
                    feedback=choice_data.feedback,
                )
            for choice in choices[len(question_data.choices) :]:
                choice.delete()
                self.report.choices.deleted += 1
        in_files = {question.slug for question in data.questions}
        for slug, question in questions.items():
            if slug in in_files or question.retired:
                continue
            if question.pk in self.existing.answered:
                # Kept, so that the answers parents gave can still be read; no longer asked.
                question.retired = True
                question.save(update_fields=["retired"])
                self.report.questions.retired += 1
                self.report.notes.append(
                    f"Retired question '{slug}': it is not in {self.current}, but parents answered it."
                )
            else:
                question.delete()
                self.report.questions.deleted += 1
                self.report.notes.append(f"Deleted question '{slug}': it is not in {self.current}.")

    def sync(self, instance: models.Model, tally: Tally, **values):
        """Save `instance` with `values` only when one of them differs from what it holds."""
        creating = instance.pk is None
        if not creating and all(getattr(instance, name) == value for name, value in values.items()):
            tally.unchanged += 1
            return
        for name, value in values.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
        if creating:
            tally.created += 1
        else:
            tally.updated += 1

    def draft(self, instance: Module | Lesson, tally: Tally, name: str):
        # Kept, never deleted, so that learners' progress on it survives.
        if instance.status == Status.DRAFT:
            return
        instance.status = Status.DRAFT
        instance.save(update_fields=["status"])
        tally.drafted += 1
        self.report.notes.append(f"{name}: set to draft.")
