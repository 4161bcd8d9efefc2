"""Generated data for `make bench`: 20 schools, thousands of families in one with realistic progress,
a logged-in parent and a logged-in coordinator (past two-step sign-in).

Run with the site's settings: `python -m bench.generate_data OUT_DIR`. Writes OUT_DIR/bench.json with
the session cookie and the quiz form bodies that the load scripts use.
"""

import json
import random
import secrets
import sys
from pathlib import Path
from urllib.parse import urlencode

import django


def _answers(quiz, passed: bool) -> list[dict]:
    """Right answers to every question for a pass; for a fail, the first choice of each."""
    answers = []
    for question in quiz.questions.all():
        right = [choice.pk for choice in question.choices.all() if choice.is_correct]
        picked = right if passed else [question.choices.all()[0].pk]
        answers.append({"question": question.pk, "picked": picked, "right": picked == right})
    return answers


def main(out_dir: Path, families: int = 5000, quiz_forms: int = 48000) -> None:
    django.setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from accounts.backends import BACKEND
    from accounts.models import User
    from courses import quizzes
    from courses.models import Course, Enrollment, LessonCompletion, QuizAttempt
    from schools.models import Cohort, Membership, Role, School

    rng = random.Random(2027)
    course = Course.objects.get(slug="keeping-children-safe-online")
    modules = list(course.modules.prefetch_related("lessons", "quiz__questions__choices"))
    password = make_password("bench passphrase for generated families")

    User.objects.filter(email__endswith="@bench.example.nz").delete()
    users = User.objects.bulk_create(
        [
            User(email=f"family{n}@bench.example.nz", display_name=f"Family {n}", password=password)
            for n in range(families)
        ]
    )
    Enrollment.objects.bulk_create([Enrollment(user=user, course=course) for user in users])
    completions, attempts = [], []
    for user in users:
        # Realistic spread: a third not started, most part-way, some finished.
        reached = rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9])
        for module in modules[:reached]:
            completions += [LessonCompletion(user=user, lesson=lesson) for lesson in module.lessons.all()]
            quiz = module.quiz
            for passed in [False, True] if rng.random() < 0.3 else [True]:
                attempts.append(
                    QuizAttempt(user=user, quiz=quiz, token=secrets.token_urlsafe(24), correct_count=5,
                                question_count=6, score=83 if passed else 50, passed=passed,
                                answers=_answers(quiz, passed))
                )  # fmt: skip
    LessonCompletion.objects.bulk_create(completions, batch_size=5000)
    QuizAttempt.objects.bulk_create(attempts, batch_size=5000)

    # 20 schools; the first has every generated family, in four cohorts, and a coordinator.
    School.objects.filter(slug__startswith="bench-school-").delete()
    schools = School.objects.bulk_create(
        [School(name=f"Bench School {n}", slug=f"bench-school-{n}", course=course) for n in range(1, 21)]
    )
    big = schools[0]
    cohorts = Cohort.objects.bulk_create([Cohort(school=big, name=f"Year {year} 2027") for year in (5, 6, 7, 8)])
    Membership.objects.bulk_create(
        [Membership(school=big, user=user, role=Role.FAMILY, cohort=cohorts[n % 4]) for n, user in enumerate(users)],
        batch_size=5000,
    )
    coordinator = User.objects.filter(email="office@bench.example.nz").first() or User.objects.create_user(
        email="office@bench.example.nz", password="bench passphrase for the office", display_name="Office"
    )
    Membership.objects.create(school=big, user=coordinator, role=Role.COORDINATOR)

    # One parent whose pages the load test visits, part-way through the course.
    parent = User.objects.filter(email="parent@bench.example.nz").first() or User.objects.create_user(
        email="parent@bench.example.nz", password="bench passphrase for the parent", display_name="Bench"
    )
    Enrollment.objects.get_or_create(user=parent, course=course)
    for lesson in modules[0].lessons.all():
        LessonCompletion.objects.get_or_create(user=parent, lesson=lesson)

    def logged_in(user, **extra) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = BACKEND
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.update(extra)
        session.create()
        return session.session_key

    parent_session = logged_in(parent)
    # Coordinators have a second factor before their dashboard (they passed it when they logged in).
    Authenticator.objects.create(
        user=coordinator, type=Authenticator.Type.TOTP, data={"secret": generate_totp_secret()}
    )
    coordinator_session = logged_in(coordinator)

    # Quiz submissions, each with its own one-time token, as a parent's browser would post them.
    quiz = modules[1].quiz
    csrf = secrets.token_hex(16)
    bodies = []
    for _ in range(quiz_forms):
        shown = quizzes.prepare(quiz)
        fields = {"csrfmiddlewaretoken": csrf, "token": shown.signed(parent)}
        for question, choices in shown.questions:
            fields[quizzes.QuizForm.field_name(question)] = str(next(c.pk for c in choices if c.is_correct))
        bodies.append(urlencode(fields))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "quiz_bodies.txt").write_text("\n".join(bodies) + "\n")
    info = {
        "session": parent_session,
        "coordinator_session": coordinator_session,
        "dashboard_url": big.get_absolute_url(),
        "export_url": f"{big.get_absolute_url()}export.csv",
        "csrf": csrf,
        "families": families,
        "quiz_url": f"/courses/{course.slug}/{modules[1].slug}/quiz/",
        "lesson_url": f"/courses/{course.slug}/{modules[0].slug}/{modules[0].lessons.all()[1].slug}/",
        "outline_url": f"/courses/{course.slug}/",
        "parent_id": parent.pk,
        "quiz_id": quiz.pk,
        "questions_per_attempt": quiz.questions.count(),
    }
    (out_dir / "bench.json").write_text(json.dumps(info, indent=2))
    # Statistics for the query planner, as autovacuum gathers them on any production PostgreSQL. It is
    # off on the benchmark's machine: without them PostgreSQL read all the parent's attempts (17,616
    # after the submission runs) and sorted them for the quiz page's latest five, 4 ms a page.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated {families} families, {len(completions)} completions, {len(attempts)} attempts")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
