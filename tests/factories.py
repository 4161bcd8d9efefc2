"""Plain factory functions for tests."""

import importlib
from itertools import count

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from accounts.models import User
from courses.models import Choice, Course, Lesson, Module, Question, Quiz

_numbers = count(1)
PASSWORD = "a long and memorable passphrase"


def make_user(*, email: str | None = None, display_name: str = "Aroha", verified: bool = False, **extra) -> User:
    """A parent's account with the test password; `verified` if they have confirmed their email address."""
    email = email or f"parent{next(_numbers)}@example.nz"
    user = User.objects.create_user(email=email, password=PASSWORD, display_name=display_name, **extra)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


def make_staff(*, email: str | None = None, **extra) -> User:
    """A site admin."""
    email = email or f"admin{next(_numbers)}@example.nz"
    user = User.objects.create_superuser(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def enable_totp(user: User) -> str:
    """Give `user` an authenticator app (allauth's TOTP); returns its secret, to make codes with."""
    secret = generate_totp_secret()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
    return secret


def make_course(
    *,
    slug: str | None = None,
    modules: int = 1,
    lessons: int = 2,
    questions: int = 2,
    status: str = "published",
) -> Course:
    """A course with modules, lessons and quizzes, every part valid and in `status`."""
    number = next(_numbers)
    course = Course.objects.create(slug=slug or f"course-{number}", title=f"Course {number}", status=status)
    for m in range(1, modules + 1):
        module = make_module(course=course, position=m, slug=f"module-{m}", lessons=lessons, questions=questions)
        module.status = status
        module.save(update_fields=["status"])
    return course


def make_module(
    *, course, position: int = 1, slug: str = "module", lessons: int = 2, questions: int = 2, status="draft"
):
    """A module with published lessons and a quiz of single-choice questions (right answer first)."""
    module = Module(course=course, slug=slug, title=f"Module {position}", position=position, status=status)
    module.full_clean()
    module.save()
    for n in range(1, lessons + 1):
        make_lesson(module=module, position=n, slug=f"lesson-{n}", status="published")
    quiz = Quiz.objects.create(module=module)
    for q in range(1, questions + 1):
        make_question(quiz=quiz, position=q, slug=f"question-{q}")
    return module


def make_lesson(
    *, module, position: int = 1, slug: str = "lesson", status: str = "published", body: str = ""
) -> Lesson:
    lesson = Lesson(
        module=module,
        slug=slug,
        title=f"Lesson {position}",
        position=position,
        status=status,
        body=body or f"Lesson {position} says something **useful**.\n\nSee [help](/help/).",
        key_points="Talk often.\nStay calm.",
        try_saying="How was your day online?",
        today="Ask one question about their favourite app.",
    )
    lesson.full_clean()
    lesson.save()
    return lesson


def make_question(*, quiz, position: int = 1, slug: str = "question", kind: str = "single") -> Question:
    question = Question.objects.create(quiz=quiz, slug=slug, position=position, kind=kind, text=f"Question {position}?")
    Choice.objects.create(question=question, position=1, text="Right", is_correct=True, feedback="Yes, because.")
    Choice.objects.create(question=question, position=2, text="Wrong", is_correct=False, feedback="No, because.")
    return question


def make_author(*, email: str | None = None) -> User:
    """Staff in the Authors group (made again if a transactional test has emptied the tables)."""
    authors_migration = importlib.import_module("courses.migrations.0002_authors_group")
    authors_migration.create_authors_group(django_apps, None)
    user = make_user(email=email or f"author{next(_numbers)}@example.nz", is_staff=True, verified=True)
    user.groups.add(Group.objects.get(name=authors_migration.GROUP))
    return user


def log_in_two_factor(client, user: User) -> None:
    """Log in someone who has a second factor, as the admin and school pages require."""
    if not Authenticator.objects.filter(user=user).exists():
        enable_totp(user)
    client.force_login(user)


def make_school(
    *,
    name: str | None = None,
    slug: str | None = None,
    course=None,
    coordinators=(),
    families=(),
    cohorts=(),
):
    """A school with the given coordinators, families and cohort names (its course: `course` or the first)."""
    from schools.models import Cohort, Membership, School

    number = next(_numbers)
    school = School.objects.create(name=name or f"School {number}", slug=slug or f"school-{number}", course=course)
    for user in coordinators:
        Membership.objects.create(school=school, user=user, role="coordinator")
    for cohort_name in cohorts:
        Cohort.objects.create(school=school, name=cohort_name)
    for user in families:
        Membership.objects.create(school=school, user=user, role="family")
    return school
