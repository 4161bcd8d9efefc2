"""Taking a quiz: the form shown, its one-time token, scoring and the append-only attempt."""

import random
import secrets
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from courses import progress
from courses.models import Answer, Choice, Question, QuestionKind, Quiz, QuizAttempt

_SALT = "courses.quiz-form"
# A quiz form older than this is refused (its answers kept), so a form left open for days is re-shown.
MAX_FORM_AGE = 60 * 60 * 24 * 2


class QuizChanged(Exception):
    """The questions changed since the form was shown; the learner must look again."""


class BadToken(Exception):
    """The form's token is missing, tampered with, too old or someone else's."""


@dataclass
class ShownQuiz:
    """The questions and choices as one learner saw them, in the order they saw them."""

    token: str
    questions: list[tuple[Question, list[Choice]]]

    def signed(self, user) -> str:
        payload = {
            "t": self.token,
            "u": user.pk,
            "q": [[question.pk, [choice.pk for choice in choices]] for question, choices in self.questions],
        }
        return signing.dumps(payload, salt=_SALT, compress=True)


# A quiz's questions and choices by quiz, as of a version of all course content (see
# `courses.receivers`): read once per process, not on every quiz page and submission.
_recent_questions: dict[tuple[str, int], dict[int, tuple[Question, list[Choice]]]] = {}
RECENT_QUIZZES = 64


def _questions_with_choices(quiz: Quiz) -> dict[int, tuple[Question, list[Choice]]]:
    """The quiz's questions with their choices; shared by the requests of this process: never change them."""
    course = quiz.module.course
    key = (getattr(course, "content_version", None) or progress.content_version(), quiz.pk)
    found = _recent_questions.get(key)
    if found is None:
        questions = quiz.questions.prefetch_related("choices")
        found = {question.pk: (question, list(question.choices.all())) for question in questions}
        if len(_recent_questions) >= RECENT_QUIZZES:
            _recent_questions.clear()
        _recent_questions[key] = found
    return found


def forget_cached_questions() -> None:
    """Empty this process's copies (tests start each with none)."""
    _recent_questions.clear()


def prepare(quiz: Quiz) -> ShownQuiz:
    """A fresh form for a new attempt, shuffled if the author asked for it."""
    questions = list(_questions_with_choices(quiz).values())
    if quiz.shuffle:
        shuffler = random.SystemRandom()
        shuffler.shuffle(questions)
        questions = [(question, shuffler.sample(choices, len(choices))) for question, choices in questions]
    return ShownQuiz(token=secrets.token_urlsafe(24), questions=questions)


def restore(quiz: Quiz, signed: str, user) -> ShownQuiz:
    """The quiz exactly as shown with this form; QuizChanged if a question or choice has gone."""
    try:
        payload = signing.loads(signed, salt=_SALT, max_age=MAX_FORM_AGE)
    except signing.BadSignature:
        raise BadToken from None
    if payload.get("u") != user.pk or not isinstance(payload.get("t"), str):
        raise BadToken
    current = _questions_with_choices(quiz)
    shown = []
    for question_id, choice_ids in payload["q"]:
        if question_id not in current:
            raise QuizChanged
        question, choices = current[question_id]
        by_id = {choice.pk: choice for choice in choices}
        if set(choice_ids) != set(by_id):
            raise QuizChanged
        shown.append((question, [by_id[pk] for pk in choice_ids]))
    return ShownQuiz(token=payload["t"], questions=shown)


class QuizForm(forms.Form):
    """One field per question: radio buttons for single choice and true/false, checkboxes for multiple."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, shown: ShownQuiz, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = shown
        for number, (question, choices) in enumerate(shown.questions, start=1):
            options = [(str(choice.pk), choice.text) for choice in choices]
            label = f"{number}. {question.text}"
            if question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    label=label,
                    choices=options,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Choose all that apply."),
                    error_messages={"required": _("Choose at least one answer.")},
                )
            else:
                field = forms.ChoiceField(
                    label=label,
                    choices=options,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer.")},
                )
            self.fields[self.field_name(question)] = field

    @staticmethod
    def field_name(question: Question) -> str:
        return f"question_{question.pk}"

    def chosen(self) -> dict[int, set[int]]:
        """The choice ids picked for each question."""
        result = {}
        for question, _choices in self.shown.questions:
            value = self.cleaned_data[self.field_name(question)]
            result[question.pk] = {int(pk) for pk in ([value] if isinstance(value, str) else value)}
        return result


def is_right(choices: list[Choice], picked: set[int]) -> bool:
    return picked == {choice.pk for choice in choices if choice.is_correct}


def record_attempt(*, user, quiz: Quiz, shown: ShownQuiz, picked: dict[int, set[int]]) -> tuple[QuizAttempt, bool]:
    """Score and save one attempt and note the learner's activity; a second submit of the same form
    returns the first attempt. QuizChanged (nothing saved) if a question went while it was answered.

    One transaction, with no savepoint of its own: a second submit breaks the token's unique
    constraint and is rolled back whole (a round trip fewer for every first submit).
    """
    results = [(question, choices, is_right(choices, picked[question.pk])) for question, choices in shown.questions]
    correct = sum(1 for *_, right in results if right)
    total = len(results)
    score = round(100 * correct / total) if total else 0
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user,
                quiz=quiz,
                token=shown.token,
                correct_count=correct,
                question_count=total,
                score=score,
                passed=score >= quiz.pass_mark,
            )
            answers = Answer.objects.bulk_create(
                [Answer(attempt=attempt, question=question, is_correct=right) for question, _choices, right in results]
            )
            Answer.choices.through.objects.bulk_create(
                [
                    Answer.choices.through(answer_id=answer.pk, choice_id=choice_id)
                    for answer, (question, *_rest) in zip(answers, results, strict=True)
                    for choice_id in sorted(picked[question.pk])
                ]
            )
            progress.touch(user=user, course=quiz.module.course)
    except IntegrityError:
        # A second submit of this form; or, rarely, a question removed while it was being answered.
        first = QuizAttempt.objects.filter(token=shown.token, user=user).first()
        if first is None:
            raise QuizChanged from None
        return first, False
    return attempt, True
