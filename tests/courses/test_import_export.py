import io
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import quizzes
from courses.content_files import (
    ContentError,
    course_files,
    course_zip_bytes,
    read_course_folder,
    read_course_zip,
    write_course_folder,
)
from courses.models import (
    AppGuide,
    Choice,
    Course,
    Lesson,
    LessonCompletion,
    Module,
    Question,
    QuizAttempt,
    Status,
)
from courses.services import import_course
from tests.courses.content_helpers import BUNDLED, SLUG, copy_bundled, edit, files_in, import_folder, snapshot
from tests.courses.test_content_files import INVALID_FOLDERS
from tests.factories import make_user

pytestmark = pytest.mark.django_db

RESPONSE_PLAN = "08-response-plan"


def _course() -> Course:
    return Course.objects.get(slug=SLUG)


def _progress(lesson: Lesson, question: Question) -> tuple[LessonCompletion, QuizAttempt]:
    """A parent who finished a lesson and answered a question of a quiz (rightly)."""
    user = make_user()
    completion = LessonCompletion.objects.create(user=user, lesson=lesson)
    picked = sorted(question.choices.filter(is_correct=True).values_list("pk", flat=True))
    attempt = QuizAttempt.objects.create(
        user=user,
        quiz=question.quiz,
        token="t" * 32,
        correct_count=1,
        question_count=1,
        score=100,
        passed=True,
        answers=[{"question": question.pk, "picked": picked, "right": True}],
    )
    return completion, attempt


def _lesson(module: str, lesson: str) -> Lesson:
    return Lesson.objects.get(module__course__slug=SLUG, module__slug=module, slug=lesson)


def _question(module: str, question: str) -> Question:
    return Question.objects.get(quiz__module__course__slug=SLUG, quiz__module__slug=module, slug=question)


def test_bundled_course_imports_into_an_empty_database():
    report = import_folder(BUNDLED)
    course = _course()
    assert course.status == Status.PUBLISHED
    assert course.summary
    assert Module.objects.filter(course=course, status=Status.PUBLISHED).count() == 10
    assert Lesson.objects.published().filter(module__course=course).count() >= 30
    assert Question.objects.filter(quiz__module__course=course).count() >= 50
    assert AppGuide.objects.filter(course=course).count() == 14
    assert report.modules.created == 10
    assert report.lessons.unchanged == report.lessons.updated == 0
    lesson = _lesson("response-plan", "stop-and-save")
    assert lesson.position == 1
    assert "<h2>Step 1: Stop sending anything</h2>" in lesson.body_html
    assert lesson.key_point_list[0].startswith("First, stay with your child.")
    assert list(course.modules.values_list("position", flat=True)) == list(range(1, 11))


def test_export_of_the_bundled_course_is_the_repository_files_byte_for_byte(tmp_path):
    import_folder(BUNDLED)
    exported = write_course_folder(_course(), tmp_path)
    assert exported == tmp_path / SLUG
    assert files_in(exported) == files_in(BUNDLED)


def test_export_import_export_round_trip_is_byte_identical(tmp_path):
    import_folder(BUNDLED)
    first = files_in(write_course_folder(_course(), tmp_path / "first"))
    Course.objects.all().delete()
    assert not Module.objects.exists()
    import_folder(tmp_path / "first" / SLUG)
    second = files_in(write_course_folder(_course(), tmp_path / "second"))
    assert sorted(second) == sorted(first)
    for name, content in first.items():
        assert second[name] == content, name


def test_export_replaces_what_the_course_folder_held_and_nothing_beside_it(tmp_path):
    import_folder(BUNDLED)
    (tmp_path / SLUG / "99-old-module").mkdir(parents=True)
    (tmp_path / SLUG / "99-old-module" / "module.md").write_text("old")
    (tmp_path / "beside.txt").write_text("keep me")
    write_course_folder(_course(), tmp_path)
    assert not (tmp_path / SLUG / "99-old-module").exists()
    assert (tmp_path / "beside.txt").read_text() == "keep me"
    assert files_in(tmp_path / SLUG) == files_in(BUNDLED)


def test_second_import_reports_everything_unchanged_and_writes_nothing(django_assert_max_num_queries):
    import_folder(BUNDLED)
    before = snapshot()
    data, _ = read_course_folder(BUNDLED)
    # A handful of reads, however big the course: nothing is written.
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(12):
        report = import_course(data=data)
    writes = [query["sql"] for query in queries if query["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert snapshot() == before
    assert not report.changed
    for name, tally in report.tallies():
        assert tally.created == tally.updated == tally.drafted == tally.deleted == 0, name
    assert report.questions.unchanged >= 50
    assert str(report).startswith(
        "Imported keeping-children-safe-online: 10 modules (0 created, 0 updated, 10 unchanged)"
    )


def test_progress_survives_a_reimport_after_editing_a_lesson(tmp_path):
    folder = copy_bundled(tmp_path)
    import_folder(folder)
    lesson = _lesson("response-plan", "do-not-pay")
    question = _question("response-plan", "what-to-save")
    completion, attempt = _progress(lesson, question)
    edit(folder / RESPONSE_PLAN / "02-do-not-pay.md", "Sometimes the person", "Sometimes the offender")
    edit(folder / RESPONSE_PLAN / "quiz.toml", "Choose all that apply.", "Pick every one that applies.")

    report = import_folder(folder)

    assert (report.lessons.updated, report.questions.updated) == (1, 1)
    assert report.lessons.unchanged == report.lessons.in_files - 1
    lesson.refresh_from_db()
    assert lesson.body.startswith("Sometimes the offender")
    assert "Sometimes the offender" in lesson.body_html
    assert LessonCompletion.objects.get(pk=completion.pk).lesson_id == lesson.pk
    (answer,) = quizzes.given_answers(
        QuizAttempt.objects.get(pk=attempt.pk), quizzes.questions_with_choices(question.quiz)
    )
    assert answer.question.pk == question.pk
    assert {choice.pk for choice in answer.choices} == set(attempt.answers[0]["picked"])
    assert _question("response-plan", "what-to-save").pk == question.pk


def test_lessons_and_modules_missing_from_the_files_are_drafted_not_deleted(tmp_path):
    folder = copy_bundled(tmp_path)
    import_folder(folder)
    completion, attempt = _progress(
        _lesson("reporting-and-help", "where-to-report"), _question("reporting-and-help", "where-to-report-request")
    )
    (folder / RESPONSE_PLAN / "04-getting-images-removed.md").unlink()
    shutil.rmtree(folder / "09-reporting-and-help")

    report = import_folder(folder)

    assert (report.modules.drafted, report.lessons.drafted) == (1, 1)
    assert _lesson("response-plan", "getting-images-removed").status == Status.DRAFT
    assert Module.objects.get(slug="reporting-and-help").status == Status.DRAFT
    assert LessonCompletion.objects.filter(pk=completion.pk).exists()
    assert QuizAttempt.objects.filter(pk=attempt.pk).exists()
    assert "Module 'reporting-and-help' is not in the files: set to draft." in str(report)
    # Already drafts: a second import has nothing more to do.
    assert not import_folder(folder).changed


def test_unanswered_questions_extra_choices_and_apps_missing_from_the_files_are_deleted(tmp_path):
    folder = copy_bundled(tmp_path)
    import_folder(folder)
    quiz = folder / RESPONSE_PLAN / "quiz.toml"
    text = quiz.read_text()
    start = text.index('[[questions]]\nslug = "first-minutes-money-deadline"')
    end = text.index("[[questions]]", start + 1)
    quiz.write_text(text[:start] + text[end:])
    edit(
        quiz,
        '[[questions.choices]]\ntext = "Reply and ask them nicely to delete the photo."\ncorrect = false\n'
        'feedback = "It makes sense to hope they will listen. But pleading or bargaining keeps him talking to them. '
        'He doesn’t need to reply at all."\n\n',
        "",
    )
    apps = folder / "apps.toml"
    text = apps.read_text()
    apps.write_text(text[: text.index('\n[[apps]]\nslug = "whatsapp"')])

    report = import_folder(folder)

    assert (report.questions.deleted, report.choices.deleted, report.app_guides.deleted) == (1, 1, 1)
    assert not Question.objects.filter(slug="first-minutes-money-deadline").exists()
    assert _question("response-plan", "threat-to-send-to-friends").choices.count() == 2
    assert not AppGuide.objects.filter(slug="whatsapp").exists()
    assert files_in(write_course_folder(_course(), tmp_path / "export")) == files_in(folder)


def _take_out_question(quiz_file, slug: str) -> None:
    """Remove one question, with its choices, from a quiz file."""
    text = quiz_file.read_text()
    start = text.index(f'[[questions]]\nslug = "{slug}"')
    end = text.find("[[questions]]\n", start + 1)
    quiz_file.write_text(text[:start] + (text[end:] if end != -1 else ""))


def test_an_answered_question_taken_out_of_the_files_is_retired_and_its_answers_kept(tmp_path):
    folder = copy_bundled(tmp_path)
    import_folder(folder)
    question = Question.objects.filter(quiz__module__slug="response-plan").first()
    completion, attempt = _progress(Lesson.objects.filter(module__slug="response-plan").first(), question)
    quiz_file = folder / RESPONSE_PLAN / "quiz.toml"
    original = quiz_file.read_text()
    _take_out_question(quiz_file, question.slug)

    report = import_folder(folder)

    question.refresh_from_db()
    assert question.retired
    assert (report.questions.retired, report.questions.deleted) == (1, 0)
    assert (
        f"Retired question '{question.slug}': it is not in {RESPONSE_PLAN}/quiz.toml, but parents answered it."
        in str(report)
    )
    # No longer asked, nor written out with the course, nor counted by the publishing checks...
    assert question.pk not in {shown.pk for shown, _choices in quizzes.prepare(question.quiz).questions}
    assert f'slug = "{question.slug}"' not in course_files(_course())[f"{RESPONSE_PLAN}/quiz.toml"]
    # ...but the parent's attempt, progress and answer are all still there to read.
    attempt.refresh_from_db()
    given = quizzes.given_answers(attempt, quizzes.questions_with_choices(question.quiz))
    assert [answer.question for answer in given] == [question]
    assert LessonCompletion.objects.filter(pk=completion.pk).exists()

    # Put back in the files, it is asked again.
    quiz_file.write_text(original)
    report = import_folder(folder)
    question.refresh_from_db()
    assert not question.retired
    assert files_in(write_course_folder(_course(), tmp_path / "export")) == files_in(folder)


def test_a_retired_question_is_left_alone_by_later_imports(tmp_path):
    folder = copy_bundled(tmp_path)
    import_folder(folder)
    question = Question.objects.filter(quiz__module__slug="response-plan").first()
    _progress(Lesson.objects.filter(module__slug="response-plan").first(), question)
    _take_out_question(folder / RESPONSE_PLAN / "quiz.toml", question.slug)
    import_folder(folder)

    report = import_folder(folder)

    assert not report.changed
    assert Question.objects.get(pk=question.pk).retired


def test_removing_a_picked_choice_is_refused(tmp_path):
    folder = copy_bundled(tmp_path)
    import_folder(folder)
    question = _question("response-plan", "what-to-save")
    _, attempt = _progress(_lesson("response-plan", "do-not-pay"), question)
    attempt.answers[0]["picked"] = [question.choices.get(position=4).pk]
    attempt.save(update_fields=["answers"])
    edit(
        folder / RESPONSE_PLAN / "quiz.toml",
        '\n[[questions.choices]]\ntext = "A copy of the nude image, so Police can see what was shared"\n',
        '\n[[questions.choices]]\ntext = "A copy of the nude image, so Police can see what was shared"\n',
    )
    quiz = folder / RESPONSE_PLAN / "quiz.toml"
    text = quiz.read_text()
    start = text.index('\n[[questions.choices]]\ntext = "A copy of the nude image')
    quiz.write_text(text[:start] + text[text.index("\n[[questions]]", start) :])
    data, problems = read_course_folder(folder)
    assert problems == []
    before = snapshot()

    with pytest.raises(ContentError) as refused:
        import_course(data=data)

    assert [str(problem) for problem in refused.value.problems] == [
        "08-response-plan/quiz.toml, question 'what-to-save', choice 4: was picked in parents' answers; "
        "keep it in the file (choices are matched by position)"
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    "case",
    [
        "toml-syntax-error",
        "missing-title",
        "bad-status",
        "single-choice-with-two-correct-choices",
        "true-false-with-three-choices",
        "choice-without-feedback",
        "duplicate-lesson-slug",
        "image-without-alt-text",
        "unknown-key",
        "published-module-without-lessons",
    ],
)
def test_invalid_folder_changes_nothing_and_the_command_names_the_problem(tmp_path, case):
    folder = copy_bundled(tmp_path)
    import_folder(folder)
    edit(folder / RESPONSE_PLAN / "01-stop-and-save.md", "Try to slow down.", "Try to slow right down.")
    breaks, expected = INVALID_FOLDERS[case]
    breaks(folder)
    before = snapshot()

    with pytest.raises(CommandError) as refused:
        call_command("import_course", str(folder))

    assert snapshot() == before
    message = str(refused.value)
    assert message.startswith(f"Nothing was imported: {folder} has ")
    assert any(line.startswith(expected) for line in message.splitlines()[1:]), message


def test_import_command_prints_the_report(tmp_path):
    out = io.StringIO()
    call_command("import_course", str(BUNDLED), stdout=out)
    assert out.getvalue().startswith(
        "Imported keeping-children-safe-online: 10 modules (10 created, 0 updated, 0 unchanged), 42 lessons"
    )


def test_import_command_refuses_a_missing_path(tmp_path):
    with pytest.raises(CommandError, match="No course folder or zip at"):
        call_command("import_course", str(tmp_path / "nothing"))


def test_export_command_writes_the_course_folder(tmp_path):
    import_folder(BUNDLED)
    out = io.StringIO()
    call_command("export_course", SLUG, str(tmp_path), stdout=out)
    assert files_in(tmp_path / SLUG) == files_in(BUNDLED)
    assert f"Exported {SLUG} to {tmp_path / SLUG}" in out.getvalue()


def test_export_command_names_an_unknown_slug(tmp_path):
    with pytest.raises(CommandError, match="No course has the slug 'no-such-course'"):
        call_command("export_course", "no-such-course", str(tmp_path))


def test_load_bundled_course_is_idempotent():
    call_command("load_bundled_course", stdout=io.StringIO())
    before = snapshot()
    out = io.StringIO()
    call_command("load_bundled_course", "--update", stdout=out)
    assert snapshot() == before
    assert "10 modules (0 created, 0 updated, 10 unchanged)" in out.getvalue()


def test_load_bundled_course_keeps_admin_edits_unless_asked_to_update():
    call_command("load_bundled_course", stdout=io.StringIO())
    Lesson.objects.filter(slug="grooming").update(title="Edited in the admin")
    out = io.StringIO()
    call_command("load_bundled_course", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Lesson.objects.get(slug="grooming").title == "Edited in the admin"
    call_command("load_bundled_course", "--update", stdout=io.StringIO())
    assert Lesson.objects.get(slug="grooming").title == "What grooming is"


def test_zip_round_trip_gives_the_same_course_and_the_same_bytes(tmp_path):
    import_folder(BUNDLED)
    course = _course()
    archive = course_zip_bytes(course)
    assert archive == course_zip_bytes(course)
    data, problems = read_course_zip(io.BytesIO(archive))
    assert problems == []
    assert data == read_course_folder(BUNDLED)[0]
    Course.objects.all().delete()
    import_course(data=data)
    assert course_zip_bytes(_course()) == archive
    (tmp_path / "course.zip").write_bytes(archive)
    assert not call_command("import_course", str(tmp_path / "course.zip"), stdout=io.StringIO())


def test_choices_keep_their_rows_when_matched_by_position(tmp_path):
    folder = copy_bundled(tmp_path)
    import_folder(folder)
    question = _question("response-plan", "paying-makes-it-stop")
    pks = list(question.choices.values_list("pk", flat=True))
    edit(
        folder / RESPONSE_PLAN / "quiz.toml",
        "Right. Don’t pay. Save the evidence",
        "Right. Do not pay. Save the evidence",
    )
    report = import_folder(folder)
    assert report.choices.updated == 1
    assert list(question.choices.values_list("pk", flat=True)) == pks
    assert Choice.objects.get(pk=pks[1]).feedback.startswith("Right. Do not pay.")


def test_a_quiz_missing_from_the_files_is_deleted_unless_parents_have_taken_it(tmp_path):
    folder = copy_bundled(tmp_path)
    import_folder(folder)
    edit(folder / RESPONSE_PLAN / "module.md", 'status = "published"', 'status = "draft"')
    (folder / RESPONSE_PLAN / "quiz.toml").unlink()
    _progress(_lesson("response-plan", "do-not-pay"), _question("response-plan", "what-to-save"))
    data, problems = read_course_folder(folder)
    assert problems == []

    with pytest.raises(
        ContentError, match=r"08-response-plan/quiz\.toml: is missing, but parents have taken this quiz"
    ):
        import_course(data=data)

    QuizAttempt.objects.all().delete()
    report = import_course(data=data)
    assert report.quizzes.deleted == 1
    assert not Question.objects.filter(quiz__module__slug="response-plan").exists()
    assert files_in(write_course_folder(_course(), tmp_path / "export")) == files_in(folder)


@pytest.mark.parametrize("copies", [1, 3])
def test_export_query_count_is_flat(django_assert_max_num_queries, copies):
    import_folder(BUNDLED)
    data, _ = read_course_folder(BUNDLED)
    for number in range(2, copies + 1):
        for module in data.modules:
            module.slug = f"{module.slug.split('--')[0]}--{number}"
        import_course(data=data)
    course = _course()
    with django_assert_max_num_queries(6):
        course_files(course)
