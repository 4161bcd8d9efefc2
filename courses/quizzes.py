"""Taking a quiz: the form shown, its one-time token, scoring and the append-only attempt."""

import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core import versions
from core.memo import Memo
from courses import published
from courses.models import Choice, Question, QuestionKind, Quiz, QuizAttempt

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
_recent_questions = Memo(64)


def questions_with_choices(quiz: Quiz) -> dict[int, tuple[Question, list[Choice]]]:
    """The quiz's questions with their choices, by question id, in order; shared by the requests of this
    process: never change them."""
    key = (published.content_version(), quiz.pk)
    found = _recent_questions.get(key)
    if found is None:
        questions = quiz.questions.prefetch_related("choices")
        found = {question.pk: (question, list(question.choices.all())) for question in questions}
        _recent_questions.keep(key, found)
    return found


def prepare(quiz: Quiz) -> ShownQuiz:
    """A fresh form for a new attempt, shuffled if the author asked for it."""
    questions = [
        (question, choices) for question, choices in questions_with_choices(quiz).values() if not question.retired
    ]
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
    current = questions_with_choices(quiz)
    shown = []
    for question_id, choice_ids in payload["q"]:
        if question_id not in current or current[question_id][0].retired:
            raise QuizChanged
        question, choices = current[question_id]
        by_id = {choice.pk: choice for choice in choices}
        if set(choice_ids) != set(by_id):
            raise QuizChanged
        shown.append((question, [by_id[pk] for pk in choice_ids]))
    return ShownQuiz(token=payload["t"], questions=shown)


@dataclass(frozen=True)
class QuestionShown:
    """One question of a quiz form, as `courses/includes/quiz_questions.html` writes it."""

    name: str
    id: str
    label: str
    help_text: str
    errors: list
    options: str  # the radio buttons or checkboxes with their labels, as Django's widgets write them

    @property
    def described_by(self) -> str:
        return " ".join([f"{self.id}_helptext"] * bool(self.help_text) + [f"{self.id}_error"] * bool(self.errors))


# The inputs of questions nobody has answered yet, by all that makes them (name, choices in the order
# shown): a shuffled quiz has at most 24 orders of four choices for each question.
_fresh_options = Memo(2048)


def _options(bound, multiple: bool) -> str:
    """The question's inputs, from the memo while the form holds no answer or error for it."""
    value = bound.value()
    if value or bound.errors:
        return _write_options(bound, multiple, value)
    key = (bound.html_name, bound.auto_id, multiple, bound.field.required, tuple(bound.field.choices))
    found = _fresh_options.get(key)
    if found is None:
        found = _fresh_options.keep(key, _write_options(bound, multiple, value))
    return found


def _write_options(bound, multiple: bool, value) -> str:
    """The inputs of one question in the markup of Django's RadioSelect and CheckboxSelectMultiple
    (`django/forms/widgets/input_option.html`), one `format_html` each: their per-option templates were
    most of the quiz page's time. Django puts `required` on radio buttons only, and checks one at most."""
    picked = {str(item) for item in value} if isinstance(value, (list, tuple)) else {str(value)}
    flags = (" required" if bound.field.required and not multiple else "") + (
        ' aria-invalid="true"' if bound.errors else ""
    )
    shown, checked_one = [], False
    for index, (key, text) in enumerate(bound.field.choices):
        checked = key in picked and (multiple or not checked_one)
        checked_one = checked_one or checked
        markup = (
            '<div>\n    <label for="{id}"><input type="{type}" name="{name}" value="{value}"'
            + flags
            + ' id="{id}"'
            + (" checked" if checked else "")
            + ">\n {text}</label>\n\n</div>"
        )
        input_type = "checkbox" if multiple else "radio"
        shown.append(
            format_html(
                markup, id=f"{bound.auto_id}_{index}", type=input_type, name=bound.html_name, value=key, text=text
            )
        )
    return mark_safe("".join(shown))  # each part escaped by format_html


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

    def questions_shown(self) -> list[QuestionShown]:
        """The questions as the quiz page writes them: the markup crispy and Django's widgets would give
        (a test compares them)."""
        shown = []
        for name, field in self.fields.items():
            if name != "token":
                bound = self[name]
                multiple = isinstance(field.widget, forms.CheckboxSelectMultiple)
                shown.append(
                    QuestionShown(
                        name, bound.auto_id, field.label, field.help_text, bound.errors, _options(bound, multiple)
                    )
                )
        return shown

    def chosen(self) -> dict[int, set[int]]:
        """The choice ids picked for each question."""
        result = {}
        for question, _choices in self.shown.questions:
            value = self.cleaned_data[self.field_name(question)]
            result[question.pk] = {int(pk) for pk in ([value] if isinstance(value, str) else value)}
        return result


def is_right(choices: list[Choice], picked: set[int]) -> bool:
    return picked == {choice.pk for choice in choices if choice.is_correct}


def record_attempt(
    *, user, quiz: Quiz, shown: ShownQuiz, picked: dict[int, set[int]], passed_before: bool = False
) -> tuple[QuizAttempt, bool]:
    """Score and save one attempt with its answers; a second submit of the same form returns the first
    attempt. QuizChanged (nothing saved) if the quiz itself has gone.

    `passed_before`: the learner had passed this quiz already (then a pass changes nothing of their
    progress, and `courses.receivers` leaves it alone); when unsure, leave it False.

    The attempt and its answers are one row, so one INSERT: a second submit breaks the token's unique
    constraint and saves nothing, with no BEGIN or COMMIT round trip around it.
    """
    answers = [
        {
            "question": question.pk,
            "picked": sorted(picked[question.pk]),
            "right": is_right(choices, picked[question.pk]),
        }
        for question, choices in shown.questions
    ]
    correct = sum(1 for answer in answers if answer["right"])
    total = len(answers)
    score = round(100 * correct / total) if total else 0
    attempt = QuizAttempt(
        user=user,
        quiz=quiz,
        token=shown.token,
        correct_count=correct,
        question_count=total,
        score=score,
        passed=score >= quiz.pass_mark,
        answers=answers,
    )
    attempt.passed_before = passed_before
    try:
        if transaction.get_autocommit():  # a request: the INSERT is a transaction by itself
            attempt.save(force_insert=True)
        else:  # inside a caller's transaction: a savepoint, so that a refused duplicate leaves it usable
            with transaction.atomic():
                attempt.save(force_insert=True)
    except IntegrityError:
        # A second submit of this form; or, rarely, the quiz deleted while it was being answered.
        first = QuizAttempt.objects.filter(token=shown.token, user=user).first()
        if first is None:
            raise QuizChanged from None
        return first, False
    return attempt, True


# How many of a learner's attempts the quiz page lists: one who retakes a quiz often should not get a
# longer page each time.
RECENT_ATTEMPTS = 5
RECENT_ATTEMPTS_SECONDS = 60 * 60


def _attempts_version_key(user_id: int) -> str:
    return f"attempts-version:{user_id}"


def latest_attempts(user, quiz: Quiz) -> list[dict]:
    """The learner's latest attempts at the quiz, newest first (token, created_at, score, passed), kept
    in the shared cache until they make or lose one (`attempts_changed`)."""

    def read():
        # Newest first by the index alone (the default order's tie-break on id made it sort every attempt).
        attempts = QuizAttempt.objects.filter(user=user, quiz=quiz).order_by("-created_at")
        return list(attempts.values("token", "created_at", "score", "passed")[:RECENT_ATTEMPTS])

    key = f"attempts:{user.pk}:{quiz.pk}"
    return versions.read_through(_attempts_version_key(user.pk), key, read, RECENT_ATTEMPTS_SECONDS)[1]


def attempts_changed(user_id: int | None) -> None:
    """One of this learner's attempts was saved or deleted: their quiz pages list them afresh."""
    if user_id is not None:
        versions.renew([_attempts_version_key(user_id)])


@dataclass(frozen=True)
class GivenAnswer:
    """One question of an attempt, the choices the learner picked and whether that was right."""

    question: Question
    choices: list[Choice]
    is_correct: bool


def each_answer(attempts) -> Iterator[dict]:
    """Every answer of these attempts (a queryset), read in chunks: never all of them at once."""
    for answers in attempts.values_list("answers", flat=True).iterator(chunk_size=2000):
        yield from answers


def given_answers(attempt: QuizAttempt, questions: dict[int, tuple[Question, list[Choice]]]) -> list[GivenAnswer]:
    """The attempt's answers in the order they were shown, read against the quiz's questions as they are
    now (`questions_with_choices`): a question or choice deleted since is left out."""
    given = []
    for answer in attempt.answers:
        found = questions.get(answer["question"])
        if found is None:
            continue
        question, choices = found
        picked = set(answer["picked"])
        given.append(GivenAnswer(question, [choice for choice in choices if choice.pk in picked], answer["right"]))
    return given
