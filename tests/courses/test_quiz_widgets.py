"""The quiz's radio buttons and checkboxes, written in Python for speed, are Django's own markup exactly."""

import pytest
from django import forms

from courses import quizzes

CHOICES = [("1", "Save the chat <first>"), ("2", "Block & report"), ("3", "“Tell me”, they said")]


@pytest.mark.parametrize(
    ("ours", "django", "value"),
    [
        (quizzes._RadioSelect, forms.RadioSelect, None),
        (quizzes._RadioSelect, forms.RadioSelect, "2"),
        (quizzes._CheckboxSelectMultiple, forms.CheckboxSelectMultiple, ["1", "3"]),
        (quizzes._CheckboxSelectMultiple, forms.CheckboxSelectMultiple, []),
    ],
)
def test_the_quiz_widgets_render_as_djangos_own(ours, django, value):
    attrs = {"id": "id_question_7", "required": True, "aria-invalid": "true", "aria-describedby": "a b"}
    expected = django(choices=CHOICES).render("question_7", value, attrs=attrs)
    assert ours(choices=CHOICES).render("question_7", value, attrs=attrs) == expected
