"""Course folders for the import and export tests: copies of the bundled course, edited in place."""

import shutil
from pathlib import Path

from courses.content_files import BUNDLED_CONTENT, read_course_folder
from courses.models import (
    AppGuide,
    Choice,
    Course,
    Lesson,
    LessonCompletion,
    Module,
    Question,
    Quiz,
    QuizAttempt,
)
from courses.services import ImportReport, import_course

SLUG = "keeping-children-safe-online"
BUNDLED = BUNDLED_CONTENT / SLUG


def copy_bundled(tmp_path: Path) -> Path:
    """A copy of the bundled course to edit, under its own slug."""
    return Path(shutil.copytree(BUNDLED, tmp_path / "content" / SLUG))


def edit(path: Path, old: str, new: str):
    """Replace the one occurrence of `old` in a file (failing loudly if it is not there exactly once)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def import_folder(folder: Path) -> ImportReport:
    data, problems = read_course_folder(folder)
    assert not problems, "\n".join(map(str, problems))
    return import_course(data=data)


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, as bytes."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def snapshot() -> list:
    """Every content and progress row, every column: equal snapshots mean nothing was written."""
    models = [Course, Module, Lesson, Quiz, Question, Choice, AppGuide, LessonCompletion, QuizAttempt]
    return [list(model.objects.order_by("pk").values_list()) for model in models]
