"""The bundled quizzes measure understanding, not test-taking.

A parent who guesses by a pattern — always the longest choice, always "False", every choice but the
shortest, always the first choice as the files list it — must not reach the pass mark of any quiz.
Across the course the answers are balanced so that no pattern pays: true/false answers are mixed,
multiple-answer questions differ in how many choices are right, and the right answer of a
single-answer question is rarely the longest or the first listed.

Run one module's checks with `pytest tests/courses/test_quiz_design.py -k <module-folder>`.
"""

from collections.abc import Callable

import pytest

from courses.content_files import ChoiceData, ModuleData, QuestionData, QuizData, read_course_folder
from courses.models import QuestionKind, Status
from tests.courses.content_helpers import BUNDLED


def _published_modules() -> list[ModuleData]:
    data, problems = read_course_folder(BUNDLED)
    assert not problems, "\n".join(map(str, problems))
    return [module for module in data.modules if module.status == Status.PUBLISHED and module.quiz]


MODULES = _published_modules()


def _questions(kind: str | None = None) -> list[tuple[str, QuestionData]]:
    return [
        (f"{module.folder}/{question.slug}", question)
        for module in MODULES
        for question in module.quiz.questions
        if kind is None or question.kind == kind
    ]


# Guessing strategies: each picks choice indexes (in the order the file lists the choices) for a question.


def _longest(question: QuestionData) -> int:
    lengths = [len(choice.text) for choice in question.choices]
    return lengths.index(max(lengths))


def _shortest(question: QuestionData) -> int:
    lengths = [len(choice.text) for choice in question.choices]
    return lengths.index(min(lengths))


def _false(question: QuestionData) -> int:
    return [choice.text for choice in question.choices].index("False")


def always_the_longest(question: QuestionData) -> set[int]:
    """The longest choice, whatever the question (on true/false that is "False")."""
    return {_longest(question)}


def always_false(question: QuestionData) -> set[int]:
    """The choice "False" on every true/false question; elsewhere the first choice listed."""
    return {_false(question)} if question.kind == QuestionKind.TRUE_FALSE else {0}


def all_but_the_shortest(question: QuestionData) -> set[int]:
    """Every choice but the shortest where several may be picked; elsewhere the longest."""
    if question.kind == QuestionKind.MULTIPLE:
        return set(range(len(question.choices))) - {_shortest(question)}
    return {_longest(question)}


def always_the_first(question: QuestionData) -> set[int]:
    """The first choice in the order the file lists them (a quiz that is not shuffled shows that order)."""
    return {0}


STRATEGIES: dict[str, Callable[[QuestionData], set[int]]] = {
    "always the longest choice": always_the_longest,
    "always false": always_false,
    "every choice but the shortest": all_but_the_shortest,
    "always the first choice": always_the_first,
}


def _right(question: QuestionData) -> set[int]:
    return {index for index, choice in enumerate(question.choices) if choice.correct}


def guessed_score(module: ModuleData, strategy: Callable[[QuestionData], set[int]]) -> int:
    """The percentage a strategy scores on a module's quiz, rounded as the site rounds it."""
    questions = module.quiz.questions
    right = sum(strategy(question) == _right(question) for question in questions)
    return round(100 * right / len(questions))


@pytest.mark.parametrize("module", MODULES, ids=[module.folder for module in MODULES])
def test_no_guessing_strategy_passes_the_quiz(module):
    scores = {name: guessed_score(module, strategy) for name, strategy in STRATEGIES.items()}
    passing = {name: score for name, score in scores.items() if score >= module.quiz.pass_mark}
    assert not passing, f"{module.folder}: guessing reaches the pass mark of {module.quiz.pass_mark}%: {passing}"


def test_true_false_answers_are_mixed():
    questions = _questions(QuestionKind.TRUE_FALSE)
    true = [where for where, question in questions if _right(question) == {_true(question)}]
    share = len(true) / len(questions)
    assert 0.3 <= share <= 0.7, f"{len(true)} of {len(questions)} true/false answers are 'True': {true}"


def _true(question: QuestionData) -> int:
    return [choice.text for choice in question.choices].index("True")


def test_multiple_answer_questions_differ_in_how_many_are_right():
    counts = {where: len(_right(question)) for where, question in _questions(QuestionKind.MULTIPLE)}
    assert len(set(counts.values())) >= 2, f"every multiple-answer question has the same number right: {counts}"
    everything = [
        where for where, question in _questions(QuestionKind.MULTIPLE) if counts[where] == len(question.choices)
    ]
    assert len(everything) <= len(counts) / 4, f"too many questions where every choice is right: {everything}"


def test_the_right_answer_is_rarely_the_longest_or_the_first():
    singles = _questions(QuestionKind.SINGLE)
    longest = [
        where
        for where, question in singles
        if len(question.choices[min(_right(question))].text) == max(len(choice.text) for choice in question.choices)
    ]
    first = [where for where, question in singles if _right(question) == {0}]
    assert len(longest) <= 0.4 * len(singles), (
        f"the longest choice is right in {len(longest)} of {len(singles)}: {longest}"
    )
    assert len(first) <= 0.4 * len(singles), (
        f"the first choice listed is right in {len(first)} of {len(singles)}: {first}"
    )


def test_true_false_choices_are_listed_true_then_false():
    # One order everywhere, so the order gives nothing away.
    wrong = [
        where
        for where, question in _questions(QuestionKind.TRUE_FALSE)
        if [choice.text for choice in question.choices] != ["True", "False"]
    ]
    assert not wrong, f"true/false questions not listed as True, False: {wrong}"


# The strategies themselves, on a quiz made to be beaten by each.


def _question(kind: str, choices: list[tuple[str, bool]]) -> QuestionData:
    return QuestionData(
        slug="q", kind=kind, text="?", choices=[ChoiceData(text, correct, "Because.") for text, correct in choices]
    )


def test_strategies_pick_what_their_names_say():
    single = _question(
        QuestionKind.SINGLE, [("Short", False), ("The longest choice here", True), ("Middle one", False)]
    )
    true_false = _question(QuestionKind.TRUE_FALSE, [("True", True), ("False", False)])
    multiple = _question(QuestionKind.MULTIPLE, [("A", False), ("Bee", True), ("Longer one", True), ("Cees", True)])
    assert always_the_longest(single) == {1}
    assert always_the_longest(true_false) == {1}
    assert always_false(true_false) == {1}
    assert always_false(single) == {0}
    assert all_but_the_shortest(multiple) == {1, 2, 3}
    assert all_but_the_shortest(single) == {1}
    assert always_the_first(multiple) == {0}
    module = ModuleData(slug="m", title="M", status=Status.PUBLISHED)
    module.quiz = QuizData(questions=[single, multiple, true_false])
    assert guessed_score(module, always_the_longest) == 33
    assert guessed_score(module, all_but_the_shortest) == 67
    assert guessed_score(module, always_the_first) == 33
