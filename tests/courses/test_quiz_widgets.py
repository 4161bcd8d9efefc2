"""The quiz page writes its questions itself, for speed: the markup is exactly what the site's form
template (crispy's `sof` pack) and Django's own radio and checkbox widgets would give."""

import re

import pytest
from django.template import engines

from courses import quizzes
from courses.models import QuestionKind
from tests.factories import make_course

pytestmark = pytest.mark.django_db


def spaces_between_tags_dropped(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def both_renderings(form) -> tuple[str, str]:
    engine = engines["django"]
    ours = engine.from_string(
        '{% include "sof/errors.html" %}{{ form.token }}{% include "courses/includes/quiz_questions.html" %}'
    ).render({"form": form})
    crispy = engine.from_string("{% load crispy_forms_tags %}{{ form|crispy }}").render({"form": form})
    return spaces_between_tags_dropped(ours), spaces_between_tags_dropped(crispy)


@pytest.fixture
def shown():
    course = make_course(slug="safe")
    quiz = course.modules.filter(quiz__isnull=False).first().quiz
    questions = list(quiz.questions.all())
    # Text that must be escaped, and one question of each kind.
    questions[0].text = "Save the chat <first> & “tell me”?"
    questions[0].kind = QuestionKind.MULTIPLE
    questions[0].save()
    return quizzes.prepare(quiz)


def test_a_fresh_quiz_form_is_written_as_crispy_would(shown):
    ours, crispy = both_renderings(quizzes.QuizForm(shown, initial={"token": "t0ken"}))
    assert 'type="checkbox"' in ours
    assert 'type="radio"' in ours
    assert "&lt;first&gt;" in ours
    assert ours == crispy


def test_a_form_with_answers_and_errors_is_written_as_crispy_would(shown):
    by_kind = {question.kind: (question, choices) for question, choices in shown.questions}
    (first, first_choices), (second, second_choices) = by_kind[QuestionKind.MULTIPLE], by_kind[QuestionKind.SINGLE]
    data = {"token": "t0ken", f"question_{first.pk}": [str(choice.pk) for choice in first_choices[:2]]}
    form = quizzes.QuizForm(shown, data)
    assert not form.is_valid()
    ours, crispy = both_renderings(form)
    assert "checked" in ours
    assert 'aria-invalid="true"' in ours
    assert "error-summary" in ours
    assert ours == crispy
    data[f"question_{second.pk}"] = str(second_choices[-1].pk)
    assert both_renderings(quizzes.QuizForm(shown, data))[0].count("checked") >= 3
