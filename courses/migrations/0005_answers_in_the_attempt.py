"""A quiz attempt keeps its answers in one JSON field instead of Answer rows and their picked choices.

A submission is then one INSERT instead of three in a transaction. Existing answers are copied into
their attempts (in the order they were written, which is the order the learner saw the questions);
going back copies them out again.
"""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def answers_into_attempts(apps, schema_editor):
    QuizAttempt = apps.get_model("courses", "QuizAttempt")
    Answer = apps.get_model("courses", "Answer")
    Picked = Answer.choices.through
    ids = list(QuizAttempt.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        picked = defaultdict(list)
        for answer_id, choice_id in (
            Picked.objects.filter(answer__attempt_id__in=batch).order_by("choice_id").values_list("answer_id", "choice_id")
        ):
            picked[answer_id].append(choice_id)
        answers = defaultdict(list)
        rows = Answer.objects.filter(attempt_id__in=batch).order_by("pk")
        for pk, attempt_id, question_id, is_correct in rows.values_list("pk", "attempt_id", "question_id", "is_correct"):
            answers[attempt_id].append({"question": question_id, "picked": picked[pk], "right": is_correct})
        QuizAttempt.objects.bulk_update([QuizAttempt(pk=pk, answers=answers[pk]) for pk in batch], ["answers"])


def answers_into_rows(apps, schema_editor):
    QuizAttempt = apps.get_model("courses", "QuizAttempt")
    Answer = apps.get_model("courses", "Answer")
    Question = apps.get_model("courses", "Question")
    Choice = apps.get_model("courses", "Choice")
    Picked = Answer.choices.through
    questions = set(Question.objects.values_list("pk", flat=True))
    choices = set(Choice.objects.values_list("pk", flat=True))
    for attempt in QuizAttempt.objects.only("pk", "answers").iterator(chunk_size=BATCH):
        for entry in attempt.answers:
            if entry["question"] not in questions:
                continue
            answer = Answer.objects.create(attempt_id=attempt.pk, question_id=entry["question"], is_correct=entry["right"])
            Picked.objects.bulk_create(
                [Picked(answer_id=answer.pk, choice_id=choice) for choice in entry["picked"] if choice in choices]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_quiz_attempt_latest_index"),
    ]

    operations = [
        # The old rows' reverse name gives way to the new field while both exist.
        migrations.AlterField(
            model_name="answer",
            name="attempt",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="answer_rows", to="courses.quizattempt"
            ),
        ),
        migrations.AddField(
            model_name="quizattempt",
            name="answers",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(answers_into_attempts, answers_into_rows),
        migrations.DeleteModel(name="Answer"),
    ]
