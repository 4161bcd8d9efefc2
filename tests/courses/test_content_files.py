import io
import tomllib
import zipfile
from datetime import date

import pytest

from courses import content_files
from courses.content_files import (
    Problem,
    read_course_folder,
    read_course_zip,
    toml_lines,
    toml_string,
    toml_value,
)
from tests.courses.content_helpers import BUNDLED, SLUG, copy_bundled, edit

RESPONSE_PLAN = "08-response-plan"
SINGLE_CHOICE_FEEDBACK = (
    'feedback = "Yes. Giving in does not stop them. He doesn’t need to reply at all while you save the evidence '
    'and report."'
)


def _rename(folder, old, new):
    (folder / old).rename(folder / new)


def _remove_lessons(folder, module):
    for lesson in (folder / module).glob("0*.md"):
        lesson.unlink()


# Each case: how to break a copy of the bundled course, and the problem that must be reported for it.
INVALID_FOLDERS = {
    "toml-syntax-error": (
        lambda folder: edit(folder / RESPONSE_PLAN / "quiz.toml", "shuffle = true", "shuffle = tru"),
        "08-response-plan/quiz.toml, line 2: is not valid TOML: Invalid value",
    ),
    "toml-syntax-error-in-front-matter": (
        lambda folder: edit(folder / RESPONSE_PLAN / "02-do-not-pay.md", "minutes = 3", "minutes = = 3"),
        "08-response-plan/02-do-not-pay.md, line 4: is not valid TOML: Invalid value",
    ),
    "missing-title": (
        lambda folder: edit(folder / "course.toml", 'title = "Keeping children safe online"\n', ""),
        "course.toml, field 'title': is required",
    ),
    "bad-status": (
        lambda folder: edit(folder / RESPONSE_PLAN / "02-do-not-pay.md", 'status = "published"', 'status = "live"'),
        '08-response-plan/02-do-not-pay.md, field \'status\': must be "draft" or "published", not "live"',
    ),
    "single-choice-with-two-correct-choices": (
        lambda folder: edit(
            folder / RESPONSE_PLAN / "quiz.toml",
            'text = "Send just one more, so they go away while you work out what to do."\ncorrect = false',
            'text = "Send just one more, so they go away while you work out what to do."\ncorrect = true',
        ),
        "08-response-plan/quiz.toml, line 4, question 'threat-to-send-to-friends': "
        "a single-choice question needs exactly one correct choice (it has 2)",
    ),
    "true-false-with-three-choices": (
        lambda folder: edit(
            folder / RESPONSE_PLAN / "quiz.toml",
            '[[questions]]\nslug = "first-minutes-money-deadline"',
            '[[questions.choices]]\ntext = "Maybe"\ncorrect = false\nfeedback = "No."\n\n'
            '[[questions]]\nslug = "first-minutes-money-deadline"',
        ),
        "08-response-plan/quiz.toml, line 51, question 'paying-makes-it-stop': "
        'a true/false question needs exactly two choices, "True" and "False" (it has 3)',
    ),
    "choice-with-empty-feedback": (
        lambda folder: edit(folder / RESPONSE_PLAN / "quiz.toml", SINGLE_CHOICE_FEEDBACK, 'feedback = ""'),
        "08-response-plan/quiz.toml, line 13, question 'threat-to-send-to-friends', choice 1, field 'feedback': "
        "every choice needs feedback saying why it is right or wrong",
    ),
    "choice-without-feedback": (
        lambda folder: edit(folder / RESPONSE_PLAN / "quiz.toml", SINGLE_CHOICE_FEEDBACK + "\n", ""),
        "08-response-plan/quiz.toml, line 10, question 'threat-to-send-to-friends', choice 1, field 'feedback': "
        "is required",
    ),
    "duplicate-lesson-slug": (
        lambda folder: (folder / RESPONSE_PLAN / "05-stop-and-save.md").write_bytes(
            (folder / RESPONSE_PLAN / "01-stop-and-save.md").read_bytes()
        ),
        "08-response-plan/05-stop-and-save.md, file name: "
        "the lesson slug 'stop-and-save' is used by another lesson too",
    ),
    "duplicate-lesson-number": (
        lambda folder: _rename(folder / RESPONSE_PLAN, "04-getting-images-removed.md", "03-getting-images-removed.md"),
        "08-response-plan/03-getting-images-removed.md: number 03 is also used by 03-block-and-report.md: "
        "each lesson needs its own number",
    ),
    "invalid-lesson-slug": (
        lambda folder: _rename(folder / RESPONSE_PLAN, "02-do-not-pay.md", "02-do not pay.md"),
        "08-response-plan/02-do not pay.md, file name: 'do not pay' is not a valid slug",
    ),
    "image-without-alt-text": (
        lambda folder: edit(
            folder / RESPONSE_PLAN / "03-block-and-report.md",
            "All of these contacts",
            "![](/static/img/phone.png)\n\nAll of these contacts",
        ),
        "08-response-plan/03-block-and-report.md, body: "
        "Every image needs alt text describing it: /static/img/phone.png",
    ),
    "unknown-key": (
        lambda folder: edit(folder / RESPONSE_PLAN / "02-do-not-pay.md", "minutes = 3", "minuts = 3"),
        "08-response-plan/02-do-not-pay.md, field 'minuts': is not a known field "
        "(expected title, status, minutes, key_points, try_saying, today); is it misspelt?",
    ),
    "minutes-out-of-range": (
        lambda folder: edit(folder / RESPONSE_PLAN / "02-do-not-pay.md", "minutes = 3", "minutes = 0"),
        "08-response-plan/02-do-not-pay.md, field 'minutes': must be a whole number from 1 to 60",
    ),
    "pass-mark-out-of-range": (
        lambda folder: edit(folder / RESPONSE_PLAN / "quiz.toml", "pass_mark = 80", "pass_mark = 101"),
        "08-response-plan/quiz.toml, line 1, field 'pass_mark': must be a whole number from 1 to 100",
    ),
    "published-module-without-lessons": (
        lambda folder: _remove_lessons(folder, "09-reporting-and-help"),
        "09-reporting-and-help/module.md, field 'status': a published module needs at least one published lesson",
    ),
    "published-module-without-questions": (
        lambda folder: (folder / RESPONSE_PLAN / "quiz.toml").write_text("pass_mark = 80\nshuffle = true\n"),
        "08-response-plan/module.md, field 'status': a published module needs a quiz.toml with at least one question",
    ),
    "lesson-without-front-matter": (
        lambda folder: edit(folder / RESPONSE_PLAN / "02-do-not-pay.md", "+++\ntitle", "title"),
        "08-response-plan/02-do-not-pay.md, line 1: must start with front matter",
    ),
    "missing-course-toml": (
        lambda folder: (folder / "course.toml").unlink(),
        "course.toml: is missing: every course folder needs one",
    ),
    "unexpected-file": (
        lambda folder: (folder / RESPONSE_PLAN / "notes.txt").write_text("to do\n"),
        "08-response-plan/notes.txt: is not expected here: lessons are files named NN-<lesson-slug>.md",
    ),
}


def test_bundled_course_reads_without_problems():
    data, problems = read_course_folder(BUNDLED)
    assert problems == []
    assert data.slug == SLUG
    assert data.title == "Keeping children safe online"
    assert data.status == "published"
    assert len(data.modules) == 10
    assert sum(len(module.lessons) for module in data.modules) >= 30
    assert sum(len(module.quiz.questions) for module in data.modules) >= 50
    assert [app.slug for app in data.apps][:2] == ["roblox", "minecraft"]


def test_slugs_and_order_come_from_the_numbered_names():
    data, _ = read_course_folder(BUNDLED)
    module = data.modules[7]
    assert module.slug == "response-plan"
    assert module.last_reviewed == date(2026, 12, 3)
    assert module.sources[0].startswith("New Zealand Police")
    assert [lesson.slug for lesson in module.lessons] == [
        "stop-and-save",
        "do-not-pay",
        "block-and-report",
        "getting-images-removed",
    ]
    lesson = module.lessons[0]
    assert lesson.minutes == 4
    assert lesson.key_points[0].startswith("First, stay with your child.")
    assert lesson.body.startswith("If your child tells you")
    assert not lesson.body.endswith("\n")
    question = module.quiz.questions[1]
    assert (question.slug, question.kind, len(question.choices)) == ("what-to-save", "multiple", 4)


@pytest.mark.parametrize("case", INVALID_FOLDERS)
def test_invalid_folder_is_refused_naming_the_file_and_the_field_or_line(tmp_path, case):
    folder = copy_bundled(tmp_path)
    breaks, expected = INVALID_FOLDERS[case]
    breaks(folder)
    data, problems = read_course_folder(folder)
    assert data is None
    assert any(str(problem).startswith(expected) for problem in problems), "\n".join(map(str, problems))


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    folder = copy_bundled(tmp_path)
    for case in ["toml-syntax-error-in-front-matter", "missing-title", "choice-with-empty-feedback"]:
        INVALID_FOLDERS[case][0](folder)
    edit(folder / RESPONSE_PLAN / "03-block-and-report.md", "minutes = 3", "minuts = 3")
    _, problems = read_course_folder(folder)
    assert [str(problem).split(": ")[0] for problem in problems] == [
        "08-response-plan/02-do-not-pay.md, line 4",
        "08-response-plan/03-block-and-report.md, field 'minuts'",
        "08-response-plan/03-block-and-report.md, field 'minutes'",
        "08-response-plan/quiz.toml, line 13, question 'threat-to-send-to-friends', choice 1, field 'feedback'",
        "course.toml, field 'title'",
    ]


def test_a_lesson_that_cannot_be_read_does_not_also_fail_its_module_publishing_rules(tmp_path):
    folder = copy_bundled(tmp_path)
    _remove_lessons(folder, "09-reporting-and-help")
    (folder / "09-reporting-and-help" / "01-only.md").write_text("+++\ntitle = \n+++\nBody\n")
    _, problems = read_course_folder(folder)
    assert [str(problem) for problem in problems] == [
        "09-reporting-and-help/01-only.md, line 2: is not valid TOML: Invalid value"
    ]


def test_not_a_folder_is_a_problem(tmp_path):
    data, problems = read_course_folder(tmp_path / "missing")
    assert data is None
    assert problems[0].message == "is not a folder"


def test_problem_reads_as_file_place_and_message():
    assert str(Problem("01-x/02-y.md", "field 'minutes'", "must be a whole number from 1 to 60")) == (
        "01-x/02-y.md, field 'minutes': must be a whole number from 1 to 60"
    )
    assert str(Problem("08-response-plan/quiz.toml", "line 12", "is not valid TOML")) == (
        "08-response-plan/quiz.toml, line 12: is not valid TOML"
    )
    assert str(Problem("course.toml", "", "is missing")) == "course.toml: is missing"


# The TOML writer


@pytest.mark.parametrize(
    "text",
    [
        'She said "no"',
        "C:\\Users\\child\\new",
        "first line\nsecond line",
        "tab\there, return\r, bell\x07, delete\x7f, null\x00",
        "Don’t pay – “really”, whānau",
        "",
        '\\"',
    ],
)
def test_toml_string_round_trips_through_tomllib(text):
    written = toml_string(text)
    assert "\n" not in written
    assert tomllib.loads(f"value = {written}\n")["value"] == text


def test_toml_string_escapes_as_toml_expects():
    assert toml_string('a "b" \\ c\nd\te\x01') == '"a \\"b\\" \\\\ c\\nd\\te\\u0001"'


def test_toml_lines_write_the_shapes_course_files_use():
    values = {
        "title": 'The "first" one',
        "minutes": 4,
        "shuffle": True,
        "last_reviewed": date(2026, 11, 29),
        "key_points": ["One.", 'Two "quoted".'],
        "try_saying": [],
    }
    written = toml_lines(values)
    assert written == (
        'title = "The \\"first\\" one"\n'
        "minutes = 4\n"
        "shuffle = true\n"
        "last_reviewed = 2026-11-29\n"
        "key_points = [\n"
        '  "One.",\n'
        '  "Two \\"quoted\\".",\n'
        "]\n"
        "try_saying = []\n"
    )
    assert tomllib.loads(written) == values


def test_toml_value_refuses_what_course_files_do_not_hold():
    with pytest.raises(TypeError):
        toml_value(1.5)


# Zips


def _zip(entries: dict[str, bytes], *, symlinks=()) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            if name in symlinks:
                info.external_attr = 0o120777 << 16
            archive.writestr(info, content)
    buffer.seek(0)
    return buffer


def _bundled_entries() -> dict[str, bytes]:
    return {
        f"{SLUG}/{path.relative_to(BUNDLED)}": path.read_bytes()
        for path in sorted(BUNDLED.rglob("*"))
        if path.is_file()
    }


def test_zip_of_the_bundled_folder_reads_like_the_folder():
    data, problems = read_course_zip(_zip(_bundled_entries()))
    assert problems == []
    assert data == read_course_folder(BUNDLED)[0]


@pytest.mark.parametrize("name", [f"{SLUG}/../evil", "../evil", "/etc/evil", f"{SLUG}\\..\\evil", "C:/evil"])
def test_zip_with_a_path_outside_the_folder_is_refused(name):
    data, problems = read_course_zip(_zip({**_bundled_entries(), name: b"x"}))
    assert data is None
    assert problems == [Problem(name, "", "refused: the path must stay inside the course folder")]


def test_zip_with_a_symlink_is_refused():
    link = f"{SLUG}/08-response-plan/05-link.md"
    data, problems = read_course_zip(_zip({**_bundled_entries(), link: b"/etc/passwd"}, symlinks={link}))
    assert data is None
    assert problems == [Problem(link, "", "refused: symbolic links are not allowed")]


def test_zip_with_more_than_one_folder_is_refused():
    data, problems = read_course_zip(_zip({**_bundled_entries(), "other/course.toml": b""}))
    assert data is None
    assert problems[0].message == "the zip must hold exactly one course folder"


def test_zip_with_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(content_files, "MAX_ZIP_ENTRIES", 10)
    data, problems = read_course_zip(_zip(_bundled_entries()))
    assert data is None
    assert "at most 10 are allowed" in problems[0].message


def test_zip_too_large_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(content_files, "MAX_ZIP_BYTES", 1000)
    data, problems = read_course_zip(_zip(_bundled_entries()))
    assert data is None
    assert "when unpacked" in problems[0].message


def test_zip_that_is_not_a_zip_is_refused():
    upload = io.BytesIO(b"not a zip")
    upload.name = "course.zip"
    assert read_course_zip(upload) == (None, [Problem("course.zip", "", "is not a zip file")])


def test_problems_inside_a_zip_name_the_file_in_the_course_folder():
    entries = _bundled_entries()
    entries[f"{SLUG}/course.toml"] = entries[f"{SLUG}/course.toml"].replace(b'"published"', b'"live"')
    data, problems = read_course_zip(_zip(entries))
    assert data is None
    assert str(problems[0]).startswith("course.toml, field 'status': must be")


# Sources and checked-on dates: where a module's facts and an app guide's settings were checked.


def _small_course(folder, *, module_meta: str = "", app: str = "") -> None:
    """A one-module course folder, with extra module front matter and one app guide."""
    (folder / "01-basics").mkdir(parents=True)
    (folder / "course.toml").write_text('title = "Small"\nstatus = "draft"\nsummary = ""\n')
    (folder / "01-basics" / "module.md").write_text(f'+++\ntitle = "Basics"\nstatus = "draft"\n{module_meta}+++\nHi.\n')
    if app:
        (folder / "apps.toml").write_text(
            f'[[apps]]\nslug = "chat"\nname = "Chat"\n{app}settings = [\n  "Be kind.",\n]\n'
        )


def test_sources_and_checked_on_dates_are_read(tmp_path):
    _small_course(
        tmp_path / "small",
        module_meta='last_reviewed = 2026-12-03\nsources = [\n  "Netsafe: advice for parents (2025). https://netsafe.org.nz/",\n]\n',
        app='checked_on = 2026-12-01\nsources = [\n  "https://help.example.org/chat/privacy",\n]\n',
    )
    data, problems = read_course_folder(tmp_path / "small")
    assert problems == []
    assert data.modules[0].sources == ["Netsafe: advice for parents (2025). https://netsafe.org.nz/"]
    assert (data.apps[0].checked_on, data.apps[0].sources) == (
        date(2026, 12, 1),
        ["https://help.example.org/chat/privacy"],
    )


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        ('sources = [\n  "the Chat help pages",\n]\n', "item 1 must be a web address starting with https://"),
        ('sources = [\n  "http://help.example.org/",\n]\n', "item 1 must be a web address starting with https://"),
        ('checked_on = "last week"\n', "must be a date like 2026-11-29"),
        ('sources = "https://help.example.org/"\n', 'must be a list of texts: ["…", "…"]'),
    ],
)
def test_an_app_source_must_be_a_web_address_and_its_check_a_date(tmp_path, app, expected):
    _small_course(tmp_path / "small", app=app)
    data, problems = read_course_folder(tmp_path / "small")
    assert data is None
    assert [problem.file for problem in problems] == ["apps.toml"]
    assert expected in str(problems[0])
