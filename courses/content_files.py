"""Courses as files: a folder of TOML and Markdown per course, read and checked, and written back.

The format is described in courses/content/README.md. Reading never raises for bad content: every
problem is collected, with the file and the field or line, so an author can fix them all in one go.
Writing is canonical, so exporting what was imported gives back the same bytes.
"""

import functools
import io
import re
import shutil
import tempfile
import tomllib
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import Prefetch

from courses.models import AppGuide, Course, Module, Question, QuestionKind, Quiz, Status, lines
from courses.rendering import render_markdown

BUNDLED_CONTENT = Path(__file__).resolve().parent / "content"

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_BYTES = 20 * 1024 * 1024
# Fixed so that the same course always zips to the same bytes (the earliest date a zip can hold).
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

FENCE = "+++"
SLUG_MAX_LENGTH = 50
TITLE_MAX_LENGTH = 200
CHOICE_MAX_LENGTH = 500
APP_NAME_MAX_LENGTH = 100

COURSE_KEYS = ("title", "status", "summary")
MODULE_KEYS = ("title", "status", "last_reviewed", "sources")
LESSON_KEYS = ("title", "status", "minutes", "key_points", "try_saying", "today")
QUIZ_KEYS = ("pass_mark", "shuffle", "questions")
QUESTION_KEYS = ("slug", "kind", "text", "explanation", "choices")
CHOICE_KEYS = ("text", "correct", "feedback")
APPS_KEYS = ("apps",)
APP_KEYS = ("slug", "name", "checked_on", "sources", "settings")

_NUMBERED = re.compile(r"(\d+)-(.+)")
_TOML_ERROR = re.compile(r"(?P<message>.*?) \((?:at line (?P<line>\d+), column (?P<column>\d+)|at end of document)\)$")
_MISSING = object()
_WEB_ADDRESS = re.compile(r"https://[^\s/]+\.[^\s/]+(/\S*)?")


# The course as plain data. `file` and `line` say where an item came from, for problems; they are
# not part of the content, so two reads of the same course compare equal wherever they were read.


@dataclass
class ChoiceData:
    text: str
    correct: bool
    feedback: str
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass
class QuestionData:
    slug: str
    kind: str
    text: str
    explanation: str = ""
    choices: list[ChoiceData] = field(default_factory=list)
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass
class QuizData:
    pass_mark: int = 80
    shuffle: bool = True
    questions: list[QuestionData] = field(default_factory=list)


@dataclass
class LessonData:
    slug: str
    title: str
    status: str
    minutes: int
    body: str
    key_points: list[str] = field(default_factory=list)
    try_saying: list[str] = field(default_factory=list)
    today: str = ""
    file: str = field(default="", compare=False, repr=False)


@dataclass
class ModuleData:
    slug: str
    title: str
    status: str
    intro: str = ""
    last_reviewed: date | None = None
    sources: list[str] = field(default_factory=list)
    lessons: list[LessonData] = field(default_factory=list)
    quiz: QuizData | None = None
    folder: str = field(default="", compare=False, repr=False)


@dataclass
class AppData:
    slug: str
    name: str
    settings: list[str] = field(default_factory=list)
    checked_on: date | None = None
    sources: list[str] = field(default_factory=list)
    line: int | None = field(default=None, compare=False, repr=False)


@dataclass
class CourseData:
    slug: str
    title: str
    status: str
    summary: str = ""
    modules: list[ModuleData] = field(default_factory=list)
    apps: list[AppData] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """Something an author must fix: the file (relative to the course folder), where in it, and what."""

    file: str
    where: str
    message: str

    def __str__(self):
        place = ", ".join(part for part in (self.file, self.where) if part)
        return f"{place}: {self.message}" if place else self.message


class ContentError(Exception):
    """Course content that cannot be imported; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# Reading


def read_course_folder(path: str | Path) -> tuple[CourseData | None, list[Problem]]:
    """Read and check a course folder: the course, or None with every problem found."""
    folder = Path(path)
    if not folder.is_dir():
        return None, [Problem(str(folder), "", "is not a folder")]
    reader = _FolderReader(folder)
    data = reader.course()
    # By file, so that each file's problems read together.
    problems = sorted(reader.problems + _check_course(data, unreadable=reader.unreadable), key=lambda p: p.file)
    return (None, problems) if problems else (data, [])


def course_problems(data: CourseData) -> list[Problem]:
    """The rules that span fields and files: kinds of question, unique slugs, Markdown, publishing."""
    return _check_course(data, unreadable=set())


def read_course_zip(file: str | Path | BinaryIO) -> tuple[CourseData | None, list[Problem]]:
    """Read and check a zip holding one course folder (a path or a binary file object)."""
    name = Path(str(file) if isinstance(file, str | Path) else getattr(file, "name", None) or "").name or "the zip"
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        return None, [Problem(name, "", "is not a zip file")]
    with archive, tempfile.TemporaryDirectory(prefix="course-zip-") as scratch:
        top, problems = _unpack(archive, Path(scratch))
        if problems:
            return None, problems
        return read_course_folder(Path(scratch) / top)


def _unpack(archive: zipfile.ZipFile, target: Path) -> tuple[str, list[Problem]]:
    """Check every entry before extracting any, then extract, counting the bytes actually written."""
    entries = [info for info in archive.infolist() if not info.filename.startswith("__MACOSX/")]
    if len(entries) > MAX_ZIP_ENTRIES:
        return "", [Problem("", "", f"the zip has {len(entries)} entries; at most {MAX_ZIP_ENTRIES} are allowed")]
    if sum(info.file_size for info in entries) > MAX_ZIP_BYTES:
        return "", [Problem("", "", f"the zip holds more than {MAX_ZIP_BYTES // (1024 * 1024)} MB when unpacked")]
    problems, tops = [], set()
    for info in entries:
        name = info.filename
        parts = name.rstrip("/").split("/")
        if name.startswith("/") or "\\" in name or re.match(r"[A-Za-z]:", name) or {"", ".", ".."} & set(parts):
            problems.append(Problem(name, "", "refused: the path must stay inside the course folder"))
        elif (info.external_attr >> 16) & 0o170000 == 0o120000:
            problems.append(Problem(name, "", "refused: symbolic links are not allowed"))
        elif info.flag_bits & 0x1:
            problems.append(Problem(name, "", "refused: encrypted entries are not allowed"))
        elif len(parts) == 1 and not info.is_dir():
            problems.append(Problem(name, "", "must be inside the course folder: the zip holds one folder"))
        else:
            tops.add(parts[0])
    if not problems and len(tops) != 1:
        problems.append(Problem("", "", "the zip must hold exactly one course folder"))
    if problems:
        return "", problems
    written = 0
    for info in entries:
        if info.is_dir():
            continue
        destination = target / info.filename
        destination.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, destination.open("wb") as out:
            while chunk := source.read(64 * 1024):
                written += len(chunk)
                if written > MAX_ZIP_BYTES:
                    limit = MAX_ZIP_BYTES // (1024 * 1024)
                    return "", [Problem(info.filename, "", f"the zip holds more than {limit} MB when unpacked")]
                out.write(chunk)
    return tops.pop(), []


class _FolderReader:
    """Reads one course folder into CourseData, collecting problems as it goes."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.problems: list[Problem] = []
        # Modules with a file that could not be parsed: publishing rules are not checked on them,
        # as their missing parts would only be reported a second time.
        self.unreadable: set[str] = set()

    def problem(self, file: str, where: str, message: str):
        self.problems.append(Problem(file, where, message))

    def course(self) -> CourseData:
        # Resolved, so that "." names the folder it stands for.
        slug = self.folder.resolve().name
        self.slug("", "folder name", slug)
        entries = _visible(self.folder)
        course = CourseData(slug=slug, title="", status=Status.DRAFT)
        if "course.toml" in entries and entries["course.toml"].is_file():
            values = self.toml("course.toml")
            if values is not None:
                fields = _Fields(values, keys=COURSE_KEYS, file="course.toml", problems=self.problems)
                course.title = fields.text("title", max_length=TITLE_MAX_LENGTH, one_line=True)
                course.status = fields.status()
                course.summary = fields.text("summary", required=False)
        else:
            self.problem("course.toml", "", "is missing: every course folder needs one, with title, status and summary")
        if "apps.toml" in entries:
            course.apps = self.apps("apps.toml")
        folders = {name: path for name, path in entries.items() if name not in ("course.toml", "apps.toml")}
        for name, path in folders.items():
            if not path.is_dir() or not _NUMBERED.fullmatch(name):
                self.problem(name, "", "is not expected here: modules are folders named NN-<module-slug>")
        numbered = {name: path for name, path in folders.items() if path.is_dir() and _NUMBERED.fullmatch(name)}
        for name, slug in self.numbered(numbered, parent="", kind="module"):
            course.modules.append(self.module(name, slug))
        return course

    def module(self, folder: str, slug: str) -> ModuleData:
        self.slug(folder, "folder name", slug)
        module = ModuleData(slug=slug, title="", status=Status.DRAFT, folder=folder)
        entries = _visible(self.folder / folder)
        file = f"{folder}/module.md"
        if "module.md" in entries:
            parsed = self.markdown_file(file)
            if parsed is None:
                self.unreadable.add(folder)
            else:
                values, module.intro = parsed
                fields = _Fields(values, keys=MODULE_KEYS, file=file, problems=self.problems)
                module.title = fields.text("title", max_length=TITLE_MAX_LENGTH, one_line=True)
                module.status = fields.status()
                module.last_reviewed = fields.date("last_reviewed")
                module.sources = fields.strings("sources")
        else:
            self.problem(file, "", "is missing: every module folder needs one, with title and status")
        if "quiz.toml" in entries:
            module.quiz = self.quiz(f"{folder}/quiz.toml")
            if module.quiz is None:
                self.unreadable.add(folder)
        lesson_files = {}
        for name, path in entries.items():
            if name in ("module.md", "quiz.toml"):
                continue
            if path.is_file() and name.endswith(".md") and _NUMBERED.fullmatch(name.removesuffix(".md")):
                lesson_files[name.removesuffix(".md")] = path
            else:
                self.problem(
                    f"{folder}/{name}", "", "is not expected here: lessons are files named NN-<lesson-slug>.md"
                )
        for name, lesson_slug in self.numbered(lesson_files, parent=f"{folder}/", kind="lesson", suffix=".md"):
            lesson = self.lesson(f"{folder}/{name}.md", lesson_slug)
            if lesson is None:
                self.unreadable.add(folder)
            else:
                module.lessons.append(lesson)
        return module

    def lesson(self, file: str, slug: str) -> LessonData | None:
        self.slug(file, "file name", slug)
        parsed = self.markdown_file(file)
        if parsed is None:
            return None
        values, body = parsed
        fields = _Fields(values, keys=LESSON_KEYS, file=file, problems=self.problems)
        lesson = LessonData(
            slug=slug,
            title=fields.text("title", max_length=TITLE_MAX_LENGTH, one_line=True),
            status=fields.status(),
            minutes=fields.integer("minutes", low=1, high=60, default=4),
            key_points=fields.strings("key_points"),
            try_saying=fields.strings("try_saying"),
            today=fields.text("today", required=False),
            body=body,
            file=file,
        )
        if not body.strip():
            self.problem(file, "body", "is empty: write the lesson below the closing +++")
        return lesson

    def quiz(self, file: str) -> QuizData | None:
        values = self.toml(file)
        if values is None:
            return None
        text_lines = self.read_text(file).split("\n")
        question_headers = _headers(text_lines, r"questions")
        choice_headers = _headers(text_lines, r"questions\s*\.\s*choices")
        fields = _Fields(
            values,
            keys=QUIZ_KEYS,
            file=file,
            problems=self.problems,
            lines=text_lines,
            span=(0, _at(question_headers, 0, len(text_lines))),
        )
        quiz = QuizData(
            pass_mark=fields.integer("pass_mark", low=1, high=100, default=80, required=False),
            shuffle=fields.boolean("shuffle", default=True, required=False),
        )
        tables = fields.tables("questions")
        # Line numbers only when the file uses [[questions]] headers throughout, as the format does.
        located = len(question_headers) == len(tables)
        for index, table in enumerate(tables):
            start = question_headers[index] if located else None
            end = _at(question_headers, index + 1, len(text_lines)) if located else len(text_lines)
            quiz.questions.append(self.question(file, index, table, text_lines, start, end, choice_headers))
        return quiz

    def question(self, file, index, table, text_lines, start, end, choice_headers) -> QuestionData:
        slug = table.get("slug")
        name = f"question '{slug}'" if isinstance(slug, str) and slug else f"question {index + 1}"
        own_choices = [line for line in choice_headers if start is not None and start < line < end]
        located = start is not None
        fields = _Fields(
            table,
            keys=QUESTION_KEYS,
            file=file,
            where=name,
            problems=self.problems,
            lines=text_lines if located else None,
            span=(start, _at(own_choices, 0, end)) if located else None,
        )
        question = QuestionData(
            slug=fields.slug("slug"),
            # No default kind when it is wrong: the rules for one kind would only add noise.
            kind=fields.option("kind", QuestionKind.values, default=""),
            text=fields.text("text"),
            explanation=fields.text("explanation", required=False),
            line=start + 1 if located else None,
        )
        tables = fields.tables("choices")
        located = located and len(own_choices) == len(tables)
        for number, choice_table in enumerate(tables, start=1):
            choice_start = own_choices[number - 1] if located else None
            choice_end = _at(own_choices, number, end) if located else None
            choice_fields = _Fields(
                choice_table,
                keys=CHOICE_KEYS,
                file=file,
                where=f"{name}, choice {number}",
                problems=self.problems,
                lines=text_lines if located else None,
                span=(choice_start, choice_end) if located else None,
            )
            question.choices.append(
                ChoiceData(
                    text=choice_fields.text("text", max_length=CHOICE_MAX_LENGTH, one_line=True),
                    correct=choice_fields.boolean("correct", default=False),
                    feedback=choice_fields.text(
                        "feedback", empty="every choice needs feedback saying why it is right or wrong"
                    ),
                    line=choice_start + 1 if located else None,
                )
            )
        return question

    def apps(self, file: str) -> list[AppData]:
        values = self.toml(file)
        if values is None:
            return []
        text_lines = self.read_text(file).split("\n")
        headers = _headers(text_lines, r"apps")
        fields = _Fields(values, keys=APPS_KEYS, file=file, problems=self.problems)
        tables = fields.tables("apps")
        located = len(headers) == len(tables)
        apps = []
        for index, table in enumerate(tables):
            slug = table.get("slug")
            name = f"app '{slug}'" if isinstance(slug, str) and slug else f"app {index + 1}"
            span = (headers[index], _at(headers, index + 1, len(text_lines))) if located else None
            app_fields = _Fields(
                table,
                keys=APP_KEYS,
                file=file,
                where=name,
                problems=self.problems,
                lines=text_lines if located else None,
                span=span,
            )
            apps.append(
                AppData(
                    slug=app_fields.slug("slug"),
                    name=app_fields.text("name", max_length=APP_NAME_MAX_LENGTH, one_line=True),
                    settings=app_fields.strings("settings", required=True),
                    checked_on=app_fields.date("checked_on"),
                    sources=app_fields.addresses("sources"),
                    line=headers[index] + 1 if located else None,
                )
            )
        return apps

    def numbered(self, entries: dict, *, parent: str, kind: str, suffix: str = "") -> list[tuple[str, str]]:
        """Entries named NN-<slug> in number order, as (name, slug); a number used twice is a problem."""
        seen: dict[int, str] = {}
        result = []
        for name in sorted(entries, key=lambda name: (int(_NUMBERED.fullmatch(name)[1]), name)):
            number, slug = _NUMBERED.fullmatch(name).groups()
            if int(number) in seen:
                self.problem(
                    f"{parent}{name}{suffix}",
                    "",
                    f"number {number} is also used by {seen[int(number)]}{suffix}: each {kind} needs its own number",
                )
            seen.setdefault(int(number), name)
            result.append((name, slug))
        return result

    def slug(self, file: str, where: str, value: str):
        message = _slug_problem(value)
        if message:
            self.problem(file, where, message)

    def read_text(self, file: str) -> str:
        return (self.folder / file).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")

    def text_or_problem(self, file: str) -> str | None:
        try:
            return self.read_text(file)
        except UnicodeDecodeError:
            self.problem(file, "", "is not UTF-8 text: save it as UTF-8")
            return None

    def toml(self, file: str, text: str | None = None, *, first_line: int = 1) -> dict | None:
        if text is None:
            text = self.text_or_problem(file)
            if text is None:
                return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            message, line = _toml_error(error, text)
            where = f"line {line + first_line - 1}" if line else ""
            self.problem(file, where, f"is not valid TOML: {message}")
            return None

    def markdown_file(self, file: str) -> tuple[dict, str] | None:
        """A Markdown file's front matter (parsed) and body; None, with a problem, if unreadable."""
        text = self.text_or_problem(file)
        if text is None:
            return None
        text_lines = text.split("\n")
        closing = next(
            (index for index, line in enumerate(text_lines[1:], start=1) if line.rstrip() == FENCE),
            None,
        )
        if text_lines[0].rstrip() != FENCE or closing is None:
            self.problem(file, "line 1", "must start with front matter: a line +++, the fields, and another +++")
            return None
        values = self.toml(file, "\n".join(text_lines[1:closing]), first_line=2)
        if values is None:
            return None
        return values, _markdown("\n".join(text_lines[closing + 1 :]))


class _Fields:
    """The values of one TOML table, each checked for type and range as it is taken."""

    def __init__(self, values, *, keys, file, problems, where="", lines=None, span=None):
        self.values = values
        self.file = file
        self.where = where
        self.problems = problems
        self.lines = lines
        self.span = span
        for key in values:
            if key not in keys:
                self.problem(key, f"is not a known field (expected {', '.join(keys)}); is it misspelt?")

    def problem(self, key: str, message: str):
        parts = []
        line = self.line(key)
        if line:
            parts.append(f"line {line}")
        if self.where:
            parts.append(self.where)
        parts.append(f"field '{key}'")
        self.problems.append(Problem(self.file, ", ".join(parts), message))

    def line(self, key: str) -> int | None:
        if self.lines is None or self.span is None:
            return None
        start, end = self.span
        pattern = re.compile(rf"\s*{re.escape(key)}\s*=")
        for index in range(start, min(end, len(self.lines))):
            if pattern.match(self.lines[index]):
                return index + 1
        # A missing field: point at the table's header, if it has one.
        return start + 1 if start < len(self.lines) and self.lines[start].lstrip().startswith("[[") else None

    def get(self, key: str, required: bool):
        value = self.values.get(key, _MISSING)
        if value is _MISSING and required:
            self.problem(key, "is required")
        return value

    def text(self, key, *, required=True, max_length=None, one_line=False, empty="must not be empty") -> str:
        value = self.get(key, required)
        if value is _MISSING:
            return ""
        if not isinstance(value, str):
            self.problem(key, 'must be text in double quotes: "…"')
            return ""
        if required and not value.strip():
            self.problem(key, empty)
        if one_line and ("\n" in value or "\r" in value):
            self.problem(key, "must be on one line")
        if max_length and len(value) > max_length:
            self.problem(key, f"must be at most {max_length} characters (it has {len(value)})")
        return value

    def slug(self, key) -> str:
        value = self.text(key)
        message = _slug_problem(value) if value else None
        if message:
            self.problem(key, message)
        return value

    def status(self) -> str:
        return self.option("status", Status.values, default=Status.DRAFT)

    def option(self, key, options, *, default) -> str:
        value = self.get(key, True)
        if value is _MISSING:
            return default
        if value not in options:
            self.problem(key, f"must be {_alternatives(options)}, not {_shown(value)}")
            return default
        return value

    def integer(self, key, *, low, high, default, required=True) -> int:
        value = self.get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(key, f"must be a whole number from {low} to {high}")
            return default
        return value

    def boolean(self, key, *, default, required=True) -> bool:
        value = self.get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.problem(key, "must be true or false")
            return default
        return value

    def date(self, key) -> date | None:
        value = self.get(key, False)
        if value is _MISSING:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.problem(key, "must be a date like 2026-11-29")
            return None
        return value

    def strings(self, key, *, required=False) -> list[str]:
        """A list of one-line texts, kept one per line in the database."""
        value = self.get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(key, 'must be a list of texts: ["…", "…"]')
            return []
        items = [item.strip() for item in value]
        for number, item in enumerate(items, start=1):
            if not item:
                self.problem(key, f"item {number} is empty")
            elif "\n" in item or "\r" in item:
                self.problem(key, f"item {number} must be on one line")
        if required and not items:
            self.problem(key, "needs at least one item")
        return items

    def addresses(self, key) -> list[str]:
        """A list of web addresses (https://…), one per line."""
        items = self.strings(key)
        for number, item in enumerate(items, start=1):
            if item and not _WEB_ADDRESS.fullmatch(item):
                self.problem(key, f"item {number} must be a web address starting with https://")
        return items

    def tables(self, key) -> list[dict]:
        value = self.get(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problem(key, f"must be a list of [[{key}]] tables")
            return []
        return value


def _visible(folder: Path) -> dict[str, Path]:
    """A folder's entries by name, leaving out hidden files such as .DS_Store."""
    return {path.name: path for path in sorted(folder.iterdir()) if not path.name.startswith(".")}


def _headers(text_lines: list[str], name: str) -> list[int]:
    """The 0-based line numbers of the [[name]] table headers."""
    pattern = re.compile(rf"\s*\[\[\s*{name}\s*\]\]\s*(#.*)?")
    return [index for index, line in enumerate(text_lines) if pattern.fullmatch(line)]


def _at(values: list[int], index: int, default: int) -> int:
    return values[index] if index < len(values) else default


def _toml_error(error: tomllib.TOMLDecodeError, text: str) -> tuple[str, int | None]:
    """The message and line of a TOML syntax error (Python 3.14 has them as attributes; 3.13 in the text)."""
    line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
    message = getattr(error, "msg", None) or str(error)
    match = _TOML_ERROR.match(message)
    if match:
        message, column = match["message"], match["column"]
        line = int(match["line"]) if match["line"] else max(1, text.count("\n"))
    return (f"{message} (column {column})" if column else message), line


def _slug_problem(value: str) -> str | None:
    try:
        validate_slug(value)
    except ValidationError:
        return f"'{value}' is not a valid slug: use only letters, numbers, hyphens and underscores"
    if len(value) > SLUG_MAX_LENGTH:
        return f"'{value}' is longer than {SLUG_MAX_LENGTH} characters"
    return None


def _alternatives(options) -> str:
    quoted = [f'"{option}"' for option in options]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _shown(value) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _markdown(text: str) -> str:
    """Markdown as stored: Unix line ends, no blank lines before or after."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


# Checking the rules that span fields and files


@functools.lru_cache(maxsize=1024)
def rendered_markdown(text: str, *, field: str = "body") -> str:
    """render_markdown(), remembered: an import checks the Markdown, then compares and saves the same text."""
    return render_markdown(text, field=field)


def _check_course(data: CourseData, *, unreadable: set[str]) -> list[Problem]:
    problems = []
    for folder, slug in _repeated((module.folder or module.slug, module.slug) for module in data.modules):
        problems.append(Problem(folder, "folder name", f"the module slug '{slug}' is used by another module too"))
    for module in data.modules:
        problems += _check_module(module, check_publishing=(module.folder not in unreadable))
    for where, slug in _repeated((_joined(app.line, f"app '{app.slug}'"), app.slug) for app in data.apps):
        problems.append(Problem("apps.toml", where, f"the slug '{slug}' is used by another app too"))
    published = any(module.status == Status.PUBLISHED for module in data.modules)
    if data.status == Status.PUBLISHED and not published and not unreadable:
        problems.append(
            Problem("course.toml", "field 'status'", "a published course needs at least one published module")
        )
    return problems


def _check_module(module: ModuleData, *, check_publishing: bool) -> list[Problem]:
    problems = []
    folder = module.folder or module.slug
    try:
        rendered_markdown(module.intro, field="intro")
    except ValidationError as error:
        problems.append(Problem(f"{folder}/module.md", "introduction", " ".join(error.messages)))
    for file, slug in _repeated(
        (lesson.file or f"{folder}/{lesson.slug}.md", lesson.slug) for lesson in module.lessons
    ):
        problems.append(Problem(file, "file name", f"the lesson slug '{slug}' is used by another lesson too"))
    for lesson in module.lessons:
        try:
            rendered_markdown(lesson.body)
        except ValidationError as error:
            problems.append(Problem(lesson.file or f"{folder}/{lesson.slug}.md", "body", " ".join(error.messages)))
    if module.quiz:
        problems += _check_quiz(module.quiz, f"{folder}/quiz.toml")
    if module.status == Status.PUBLISHED and check_publishing:
        file = f"{folder}/module.md"
        if not any(lesson.status == Status.PUBLISHED for lesson in module.lessons):
            problems.append(Problem(file, "field 'status'", "a published module needs at least one published lesson"))
        if not (module.quiz and module.quiz.questions):
            problems.append(
                Problem(file, "field 'status'", "a published module needs a quiz.toml with at least one question")
            )
    return problems


def _check_quiz(quiz: QuizData, file: str) -> list[Problem]:
    problems = []
    slugs = Counter(question.slug for question in quiz.questions)
    for question in quiz.questions:
        where = _joined(question.line, f"question '{question.slug}'")
        if question.slug and slugs[question.slug] > 1:
            problems.append(Problem(file, where, "the slug is used by another question in this quiz too"))
        correct = sum(1 for choice in question.choices if choice.correct)
        count = len(question.choices)
        if question.kind == QuestionKind.SINGLE and correct != 1:
            message = f"a single-choice question needs exactly one correct choice (it has {correct})"
        elif question.kind == QuestionKind.TRUE_FALSE and count != 2:
            message = f'a true/false question needs exactly two choices, "True" and "False" (it has {count})'
        elif question.kind == QuestionKind.TRUE_FALSE and correct != 1:
            message = f"a true/false question needs exactly one correct choice (it has {correct})"
        elif question.kind == QuestionKind.MULTIPLE and correct < 1:
            message = "a multiple-choice question needs at least one correct choice"
        else:
            continue
        problems.append(Problem(file, where, message))
    return problems


def _repeated(pairs) -> list[tuple[str, str]]:
    """(place, slug) pairs whose slug appeared earlier: every repeat after the first."""
    seen, repeats = set(), []
    for place, slug in pairs:
        if slug in seen:
            repeats.append((place, slug))
        seen.add(slug)
    return repeats


def _joined(line: int | None, where: str) -> str:
    return f"line {line}, {where}" if line else where


# Writing


def toml_string(value: str) -> str:
    """A TOML basic string on one line: backslash, double quote and control characters escaped."""
    escaped = []
    for character in value:
        if character in _TOML_ESCAPES:
            escaped.append(_TOML_ESCAPES[character])
        elif ord(character) < 0x20 or ord(character) == 0x7F:
            escaped.append(f"\\u{ord(character):04X}")
        else:
            escaped.append(character)
    return '"' + "".join(escaped) + '"'


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_value(value) -> str:
    """One value as canonical TOML: the shapes course files use, lists one item per line."""
    match value:
        case bool():
            return "true" if value else "false"
        case int():
            return str(value)
        case str():
            return toml_string(value)
        case datetime():
            raise TypeError("course files hold dates, not date-times")
        case date():
            return value.isoformat()
        case list() if not value:
            return "[]"
        case list():
            return "[\n" + "".join(f"  {toml_value(item)},\n" for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a course file")


def toml_lines(values: dict) -> str:
    """`key = value` lines for a dict, in its order, each ending in a newline."""
    return "".join(f"{key} = {toml_value(value)}\n" for key, value in values.items())


def course_files(course: Course) -> dict[str, str]:
    """Every file of a course's folder, by path inside it, in the canonical format."""
    course = _with_content(course)
    files = {
        "course.toml": toml_lines({"title": course.title, "status": course.status, "summary": _text(course.summary)})
    }
    apps = list(course.app_guides.all())
    if apps:
        files["apps.toml"] = "\n".join("[[apps]]\n" + toml_lines(_app_values(app)) for app in apps)
    for number, module in enumerate(course.modules.all(), start=1):
        folder = f"{number:02d}-{module.slug}"
        meta = {"title": module.title, "status": module.status}
        if module.last_reviewed:
            meta["last_reviewed"] = module.last_reviewed
        meta["sources"] = lines(module.sources)
        files[f"{folder}/module.md"] = _markdown_file(meta, module.intro)
        for lesson_number, lesson in enumerate(module.lessons.all(), start=1):
            meta = {
                "title": lesson.title,
                "status": lesson.status,
                "minutes": lesson.minutes,
                "key_points": lines(lesson.key_points),
                "try_saying": lines(lesson.try_saying),
                "today": _text(lesson.today),
            }
            files[f"{folder}/{lesson_number:02d}-{lesson.slug}.md"] = _markdown_file(meta, lesson.body)
        quiz = _quiz_of(module)
        if quiz is not None:
            files[f"{folder}/quiz.toml"] = _quiz_file(quiz)
    return files


def write_course_folder(course: Course, path: str | Path) -> Path:
    """Write a course as PATH/<slug>/, replacing what that folder held; return the course folder."""
    files = course_files(course)
    target = Path(path) / course.slug
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise FileExistsError(f"{target} exists and is not a folder")
    if target.exists():
        for child in target.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    for name, text in files.items():
        file = target / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(text.encode())
    return target


def course_zip_bytes(course: Course) -> bytes:
    """The course folder as a zip; the same content always gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(course_files(course).items()):
            info = zipfile.ZipInfo(f"{course.slug}/{name}", date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits below mean the same everywhere
            info.external_attr = 0o100644 << 16
            archive.writestr(info, text.encode())
    return buffer.getvalue()


def _with_content(course: Course) -> Course:
    """The course with everything course_files() reads, in a fixed number of queries."""
    return (
        Course.objects.filter(pk=course.pk)
        .prefetch_related(
            "app_guides",
            Prefetch(
                "modules",
                queryset=Module.objects.select_related("quiz").prefetch_related(
                    "lessons",
                    Prefetch("quiz__questions", queryset=Question.objects.asked().prefetch_related("choices")),
                ),
            ),
        )
        .get()
    )


def _app_values(app: AppGuide) -> dict:
    values = {"slug": app.slug, "name": app.name}
    if app.checked_on:
        values["checked_on"] = app.checked_on
    return values | {"sources": lines(app.sources), "settings": lines(app.settings)}


def _quiz_of(module: Module) -> Quiz | None:
    try:
        return module.quiz
    except Quiz.DoesNotExist:
        return None


def _quiz_file(quiz: Quiz) -> str:
    parts = [toml_lines({"pass_mark": quiz.pass_mark, "shuffle": quiz.shuffle})]
    for question in quiz.questions.all():
        values = {
            "slug": question.slug,
            "kind": question.kind,
            "text": _text(question.text),
            "explanation": _text(question.explanation),
        }
        parts.append("[[questions]]\n" + toml_lines(values))
        for choice in question.choices.all():
            values = {"text": choice.text, "correct": choice.is_correct, "feedback": _text(choice.feedback)}
            parts.append("[[questions.choices]]\n" + toml_lines(values))
    return "\n".join(parts)


def _markdown_file(meta: dict, body: str) -> str:
    body = _markdown(body)
    return f"{FENCE}\n{toml_lines(meta)}{FENCE}\n" + (f"{body}\n" if body else "")


def _text(value: str) -> str:
    """Text typed in the admin arrives with Windows line ends; files keep Unix ones."""
    return value.replace("\r\n", "\n")
