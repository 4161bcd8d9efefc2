"""How learners answered each question of a quiz: for authors improving the course."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from courses.models import Choice, Question, Quiz


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
    """Per question: answers, share correct and how often each choice was picked, in two queries."""
    questions = quiz.questions.annotate(
        answer_total=Count("answers", distinct=True),
        correct_total=Count("answers", filter=Q(answers__is_correct=True), distinct=True),
    )
    stats = {
        question.pk: QuestionStatistics(question, question.answer_total, question.correct_total)
        for question in questions
    }
    for choice in (
        Choice.objects.filter(question__quiz=quiz)
        .annotate(picks=Count("picked_in"))
        .order_by("question", "position", "pk")
    ):
        question_stats = stats[choice.question_id]
        question_stats.choices.append(
            ChoiceStatistics(choice, choice.picks, _percent(choice.picks, question_stats.answers))
        )
    return list(stats.values())
