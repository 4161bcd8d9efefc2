"""How learners answered each question of a quiz: for authors improving the course."""

from collections import Counter
from dataclasses import dataclass, field

from courses import quizzes
from courses.models import Choice, Question, Quiz, QuizAttempt


@dataclass
class ChoiceStatistics:
    choice: Choice
    picks: int
    # Of the answers to the question, the percentage that picked this choice.
    share: int


@dataclass
class QuestionStatistics:
    question: Question
    answers: int
    correct: int
    choices: list[ChoiceStatistics] = field(default_factory=list)

    @property
    def share_correct(self) -> int | None:
        return round(100 * self.correct / self.answers) if self.answers else None


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def quiz_statistics(quiz: Quiz) -> list[QuestionStatistics]:
    """Per question: answers, share correct and how often each choice was picked, in three queries
    whatever the number of attempts (their answers are read in chunks, never all at once)."""
    questions = list(quiz.questions.prefetch_related("choices"))
    stats = {question.pk: QuestionStatistics(question, 0, 0) for question in questions}
    picks = Counter()
    for answer in quizzes.each_answer(QuizAttempt.objects.filter(quiz=quiz)):
        question_stats = stats.get(answer["question"])
        if question_stats is None:  # a question deleted since
            continue
        question_stats.answers += 1
        question_stats.correct += answer["right"]
        picks.update(answer["picked"])
    for question in questions:
        question_stats = stats[question.pk]
        question_stats.choices = [
            ChoiceStatistics(choice, picks[choice.pk], _percent(picks[choice.pk], question_stats.answers))
            for choice in question.choices.all()
        ]
    return list(stats.values())
