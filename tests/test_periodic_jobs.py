"""One periodic entry point (`manage.py run_periodic_jobs`) enqueues each job once per period, however often it runs."""

import datetime
import io
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from core.schedule import enqueue_due_jobs, is_due, period
from schools.models import Membership
from schools.tasks import send_weekly_digests
from tests.factories import make_course, make_school, make_user
from tests.mail import run_queued_tasks, sent_mail

NZ = ZoneInfo("Pacific/Auckland")
MONDAY_8AM = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=NZ)  # ISO week 49


def test_periods_are_named_in_new_zealand_time():
    late_sunday_utc = datetime.datetime(2026, 11, 29, 11, 30, tzinfo=datetime.UTC)  # 00:30 on Monday in NZ
    assert period("hour", late_sunday_utc) == "2026-11-30T00"
    assert period("day", late_sunday_utc) == "2026-11-30"
    assert period("week", late_sunday_utc) == "2026-W49"
    with pytest.raises(ValueError, match="every hour, day or week"):
        period("month", late_sunday_utc)


def test_daily_and_weekly_jobs_wait_for_their_hour():
    reminders = {"every": "day", "from_hour": 9}
    digest = {"every": "week", "from_hour": 7}
    assert not is_due(reminders, MONDAY_8AM)
    assert is_due(reminders, MONDAY_8AM + datetime.timedelta(hours=1))
    assert not is_due(digest, MONDAY_8AM - datetime.timedelta(hours=2))  # 6 am Monday
    assert is_due(digest, MONDAY_8AM)
    assert is_due(digest, MONDAY_8AM + datetime.timedelta(days=1, hours=-7))  # 1 am Tuesday: late, still sent


@pytest.mark.django_db
def test_each_job_is_enqueued_once_per_period_however_often_the_entry_point_runs():
    assert sorted(enqueue_due_jobs(MONDAY_8AM)) == ["digest 2026-W49", "purge 2026-11-30", "tidy-queue 2026-11-30T08"]
    assert enqueue_due_jobs(MONDAY_8AM + datetime.timedelta(minutes=10)) == []
    later = enqueue_due_jobs(MONDAY_8AM + datetime.timedelta(hours=1, minutes=5))
    assert sorted(later) == ["reminders 2026-11-30", "tidy-queue 2026-11-30T09"]
    tasks = sorted(DBTaskResult.objects.values_list("task_path", "args_kwargs__args"))
    assert tasks == [
        ("accounts.tasks.purge_expired_data", ["2026-11-30"]),
        ("core.tasks.tidy_queue", ["2026-11-30T08"]),
        ("core.tasks.tidy_queue", ["2026-11-30T09"]),
        ("schools.tasks.send_due_reminders", ["2026-11-30"]),
        ("schools.tasks.send_weekly_digests", ["2026-W49"]),
    ]


@pytest.mark.django_db
def test_the_command_says_what_it_enqueued():
    first, second = io.StringIO(), io.StringIO()
    call_command("run_periodic_jobs", stdout=first)
    call_command("run_periodic_jobs", stdout=second)
    assert first.getvalue().startswith("Enqueued: tidy-queue ")
    assert second.getvalue().strip() == "Nothing due."


@pytest.mark.django_db(transaction=True)
def test_the_entry_point_run_twice_at_the_same_moment_sends_each_digest_once():
    coordinators = [make_user(email=f"office{n}@school.nz", verified=True) for n in (1, 2)]
    school = make_school(course=make_course(), coordinators=coordinators)
    family = make_user(email="whanau@example.nz", display_name="Whānau Tane", verified=True)
    Membership.objects.create(school=school, user=family)
    Membership.objects.filter(user=family).update(joined_at=MONDAY_8AM - datetime.timedelta(days=3))

    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait()
            enqueue_due_jobs(MONDAY_8AM)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert DBTaskResult.objects.filter(task_path="schools.tasks.send_weekly_digests").count() == 1
    run_queued_tasks()
    digests = [message for message in sent_mail() if "Whānau Tane" in message.body]
    assert sorted(message.to[0] for message in digests) == ["office1@school.nz", "office2@school.nz"]
    # The job itself run again for the same week (by hand, or after a failure) sends nothing more.
    send_weekly_digests.enqueue("2026-W49")
    run_queued_tasks()
    assert len([message for message in sent_mail() if "Whānau Tane" in message.body]) == 2
