"""What the courses app holds about a person: for "Download my data" and "Delete my account"."""

from courses import plans, quizzes
from courses.models import Certificate, Enrollment, LessonCompletion, QuizAttempt


def export_user_data(user) -> dict:
    """The learner's enrolments, completed lessons, quiz attempts with their answers, certificates and family plans."""
    attempts = list(
        QuizAttempt.objects.filter(user=user).select_related("quiz__module__course").order_by("created_at", "pk")
    )
    quizzes_taken = {attempt.quiz_id: attempt.quiz for attempt in attempts}
    questions = {pk: quizzes.questions_with_choices(quiz) for pk, quiz in quizzes_taken.items()}
    return {
        "enrolments": [
            {
                "course": enrollment.course.slug,
                "enrolled_at": enrollment.created_at.isoformat(),
                "last_activity_at": enrollment.last_activity_at.isoformat() if enrollment.last_activity_at else None,
            }
            for enrollment in Enrollment.objects.filter(user=user).select_related("course").order_by("pk")
        ],
        "completed_lessons": [
            {
                "course": completion.lesson.module.course.slug,
                "module": completion.lesson.module.slug,
                "lesson": completion.lesson.slug,
                "completed_at": completion.completed_at.isoformat(),
            }
            for completion in LessonCompletion.objects.filter(user=user)
            .select_related("lesson__module__course")
            .order_by("completed_at", "pk")
        ],
        "quiz_attempts": [
            {
                "course": attempt.quiz.module.course.slug,
                "module": attempt.quiz.module.slug,
                "submitted_at": attempt.created_at.isoformat(),
                "score": attempt.score,
                "passed": attempt.passed,
                "answers": [
                    {
                        "question": answer.question.text,
                        "chosen": [choice.text for choice in answer.choices],
                        "right": answer.is_correct,
                    }
                    for answer in quizzes.given_answers(attempt, questions[attempt.quiz_id])
                ],
            }
            for attempt in attempts
        ],
        "certificates": [
            {
                "course": certificate.course.slug,
                "name": certificate.name,
                "code": certificate.code,
                "issued_at": certificate.issued_at.isoformat(),
            }
            for certificate in Certificate.objects.filter(user=user).select_related("course").order_by("pk")
        ],
        "family_plans": plans.export_plans(user),
    }


def erase_user_data(user) -> None:
    """Quiz attempts stay for the authors' anonymous statistics, without the person; the rest goes with them."""
    QuizAttempt.objects.filter(user=user).update(user=None)
    quizzes.attempts_changed(user.pk)  # update() sends no post_save
