"""Migrations that move parents' data: nothing they answered is lost either way."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_course

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER_ROWS = ("courses", "0004_quiz_attempt_latest_index")
ANSWERS_IN_ATTEMPT = ("courses", "0005_answers_in_the_attempt")


def migrate_to(target):
    """Migrate courses to `target`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def latest_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_answers_move_into_their_attempts_and_back(latest_afterwards):
    quiz = make_course(modules=1, questions=3).modules.get().quiz
    questions = list(quiz.questions.prefetch_related("choices"))
    apps = migrate_to(ANSWER_ROWS)
    QuizAttempt, Answer = apps.get_model("courses", "QuizAttempt"), apps.get_model("courses", "Answer")
    attempts = []
    for number in range(2):
        attempt = QuizAttempt.objects.create(
            quiz_id=quiz.pk, token=f"t{number}", correct_count=1, question_count=2, score=50, passed=False
        )
        # Written in the order shown (the second question first), as a submission wrote them.
        for question, right in [(questions[1], number == 0), (questions[0], number == 1)]:
            answer = Answer.objects.create(attempt=attempt, question_id=question.pk, is_correct=right)
            answer.choices.set([choice.pk for choice in question.choices.all()][: number + 1])
        attempts.append(attempt)
    expected = [
        [
            {"question": questions[1].pk, "picked": [questions[1].choices.all()[0].pk], "right": True},
            {"question": questions[0].pk, "picked": [questions[0].choices.all()[0].pk], "right": False},
        ],
        [
            {"question": questions[1].pk, "picked": sorted(c.pk for c in questions[1].choices.all()), "right": False},
            {"question": questions[0].pk, "picked": sorted(c.pk for c in questions[0].choices.all()), "right": True},
        ],
    ]

    apps = migrate_to(ANSWERS_IN_ATTEMPT)
    moved = apps.get_model("courses", "QuizAttempt").objects.order_by("pk")
    assert [attempt.answers for attempt in moved] == expected

    apps = migrate_to(ANSWER_ROWS)
    Answer = apps.get_model("courses", "Answer")
    back = [
        [
            {
                "question": answer.question_id,
                "picked": sorted(answer.choices.values_list("pk", flat=True)),
                "right": answer.is_correct,
            }
            for answer in Answer.objects.filter(attempt_id=attempt.pk).order_by("pk")
        ]
        for attempt in attempts
    ]
    assert back == expected


def test_a_certificate_that_printed_an_email_prints_a_parent_after_the_migration(latest_afterwards):
    from courses.models import Certificate
    from tests.factories import make_user

    course = make_course(modules=1)
    apps = migrate_to(("courses", "0006_sources_checked_on_and_retired_questions"))
    Old = apps.get_model("courses", "Certificate")
    email = "Nameless.Parent@example.nz"
    nameless, named = make_user(email=email, display_name=""), make_user(display_name="Aroha")
    Old.objects.create(user_id=nameless.pk, course_id=course.pk, code="AAAA-BBBB-CCCC", name=email)
    Old.objects.create(user_id=named.pk, course_id=course.pk, code="DDDD-EEEE-FFFF", name="Aroha")
    migrate_to(("courses", "0007_certificate_name_never_an_email"))
    assert dict(Certificate.objects.values_list("code", "name")) == {"AAAA-BBBB-CCCC": "", "DDDD-EEEE-FFFF": "Aroha"}
