"""Reminders: chosen families or everyone not finished, at most one a week, opt-out, idempotent command."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from courses.models import Lesson, LessonCompletion, Quiz, QuizAttempt
from schools import tasks
from schools.models import Assignment, Membership
from tests.factories import log_in_two_factor, make_school, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(school, course):
    cohort = school.cohorts.get()
    result = {}
    for name in ("one", "two", "finished"):
        user = make_user(email=f"{name}@example.nz")
        result[name] = Membership.objects.create(school=school, user=user, cohort=cohort)
    finished = result["finished"].user
    for lesson in Lesson.objects.filter(module__course=course):
        LessonCompletion.objects.create(user=finished, lesson=lesson)
    for n, quiz in enumerate(Quiz.objects.filter(module__course=course)):
        QuizAttempt.objects.create(user=finished, quiz=quiz, token=f"r{n}", correct_count=2, question_count=2,
                                   score=100, passed=True)  # fmt: skip
    return result


@pytest.fixture
def coord_client(client, coordinator):
    log_in_two_factor(client, coordinator)
    return client


def remind(client, school, data, capture):
    with capture(execute=True):
        return client.post(f"/schools/{school.slug}/remind/", data)


def test_reminding_chosen_families(coord_client, school, members, django_capture_on_commit_callbacks):
    response = remind(coord_client, school, {"families": [members["one"].pk]}, django_capture_on_commit_callbacks)
    assert response["Location"] == f"/schools/{school.slug}/"
    assert [message.to for message in sent_mail()] == [["one@example.nz"]]
    assert "/reminders/stop/" in sent_mail()[0].body
    assert sent_mail()[0].alternatives[0].mimetype == "text/html"


def test_reminding_everyone_not_finished(coord_client, school, members, django_capture_on_commit_callbacks):
    remind(coord_client, school, {"everyone": "1"}, django_capture_on_commit_callbacks)
    assert sorted(message.to[0] for message in sent_mail()) == ["one@example.nz", "two@example.nz"]


def test_at_most_one_reminder_a_week(coord_client, school, members, django_capture_on_commit_callbacks):
    remind(coord_client, school, {"everyone": "1"}, django_capture_on_commit_callbacks)
    remind(coord_client, school, {"everyone": "1"}, django_capture_on_commit_callbacks)
    assert len(sent_mail()) == 2
    Membership.objects.update(last_reminded_at=timezone.now() - datetime.timedelta(days=7, minutes=1))
    remind(coord_client, school, {"everyone": "1"}, django_capture_on_commit_callbacks)
    assert len(sent_mail()) == 4


def test_stop_link_stops_reminders(client, coord_client, school, members, django_capture_on_commit_callbacks):
    remind(coord_client, school, {"families": [members["one"].pk]}, django_capture_on_commit_callbacks)
    stop = re.search(r"http://testserver(/reminders/stop/\S+/)", sent_mail()[0].body).group(1)
    client.logout()
    assert client.get(stop).status_code == 200
    assert not Membership.objects.get(pk=members["one"].pk).reminders_stopped
    assert "will not send you any more" in client.post(stop).content.decode()
    Membership.objects.update(last_reminded_at=None)
    log_in_two_factor(client, school.memberships.coordinators().get().user)
    remind(client, school, {"everyone": "1"}, django_capture_on_commit_callbacks)
    assert [message.to[0] for message in sent_mail()[1:]] == ["two@example.nz"]


def test_unknown_stop_link_is_404(client):
    assert client.get("/reminders/stop/nope/").status_code == 404


def test_another_schools_families_cannot_be_reminded(coord_client, school, members, django_capture_on_commit_callbacks):
    stranger = Membership.objects.create(school=make_school(), user=make_user())
    remind(coord_client, school, {"families": [stranger.pk, "x"]}, django_capture_on_commit_callbacks)
    assert not sent_mail()


def test_send_due_reminders_is_idempotent(school, course, members, django_capture_on_commit_callbacks):
    Assignment.objects.create(cohort=school.cohorts.get(), course=course, due=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=io.StringIO())
        call_command("send_due_reminders", stdout=io.StringIO())
    assert sorted(message.to[0] for message in sent_mail()) == ["one@example.nz", "two@example.nz"]


def test_send_due_reminders_skips_cohorts_not_yet_due(school, course, members, django_capture_on_commit_callbacks):
    Assignment.objects.create(
        cohort=school.cohorts.get(), course=course, due=timezone.localdate() + datetime.timedelta(days=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=io.StringIO())
    assert not sent_mail()


def test_send_due_reminders_links_to_the_site_address(school, course, members, django_capture_on_commit_callbacks):
    Assignment.objects.create(cohort=school.cohorts.get(), course=course, due=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", "--base-url", "https://families.example.nz/", stdout=io.StringIO())
    assert "https://families.example.nz/reminders/stop/" in sent_mail()[0].body


def test_send_due_reminders_stops_with_one_line_when_it_does_not_know_the_site_address(settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="Set SITE_URL"):
        call_command("send_due_reminders", stdout=io.StringIO())


@pytest.mark.parametrize("size", [3, 40])
def test_reminding_everyone_takes_the_same_queries_for_any_number_of_families(
    coord_client, school, course, size, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    users = User.objects.bulk_create(
        [User(email=f"many{n}@example.nz", display_name=f"M{n}", password="!") for n in range(size)]
    )
    Membership.objects.bulk_create([Membership(school=school, user=user) for user in users])
    with django_assert_max_num_queries(20):
        remind(coord_client, school, {"everyone": "1"}, django_capture_on_commit_callbacks)
    assert len(sent_mail()) == size
    assert Membership.objects.families().filter(last_reminded_at__isnull=False).count() == size


def test_the_daily_task_reminds_as_the_command_does(school, course, members, settings):
    settings.SITE_URL = "https://families.example.nz"
    Assignment.objects.create(cohort=school.cohorts.get(), course=course, due=timezone.localdate())
    tasks.send_due_reminders.enqueue("2026-12-03")
    assert sorted(message.to[0] for message in sent_mail()) == ["one@example.nz", "two@example.nz"]
    assert "https://families.example.nz/reminders/stop/" in sent_mail()[0].body
