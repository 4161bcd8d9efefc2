"""The weekly digest for coordinators: who joined, modules finished and due dates passed in the week before."""

import datetime
import re
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from courses.models import LessonCompletion, Module, QuizAttempt
from schools import tasks
from schools.digest import MAX_NAMES, Digest, digest_for, send_weekly_digests, week_before
from schools.models import Assignment, Cohort, Membership
from tests.factories import make_lesson, make_school, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

NZ = ZoneInfo("Pacific/Auckland")
PERIOD = "2026-W49"  # sent in the week of Monday 30 November 2026, about 23 to 29 November
WEEK_START = datetime.datetime(2026, 11, 23, tzinfo=NZ)
WEEK_END = datetime.datetime(2026, 11, 30, tzinfo=NZ)
IN_THE_WEEK = datetime.datetime(2026, 11, 25, 19, 30, tzinfo=NZ)
TWO_WEEKS_AGO = datetime.datetime(2026, 11, 12, 10, 0, tzinfo=NZ)
WEEK_BEFORE = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=NZ)
AFTER_THE_WEEK = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=NZ)  # this week: after the period's Monday
BASE_URL = "http://testserver"
_tokens = count(1)


def join(school, name, *, cohort=None, at=TWO_WEEKS_AGO, email=None):
    user = make_user(email=email or f"{name.lower()}{next(_tokens)}@example.nz", display_name=name)
    membership = Membership.objects.create(school=school, user=user, cohort=cohort)
    Membership.objects.filter(pk=membership.pk).update(joined_at=at)
    return user


def do_lessons(user, module, at, *, leave_out=0):
    lessons = list(module.lessons.order_by("position"))
    for lesson in lessons[: len(lessons) - leave_out]:
        LessonCompletion.objects.create(user=user, lesson=lesson)
    LessonCompletion.objects.filter(user=user, lesson__module=module).update(completed_at=at)


def pass_quiz(user, module, at, *, passed=True):
    attempt = QuizAttempt.objects.create(
        user=user, quiz=module.quiz, token=f"digest-{next(_tokens)}", correct_count=2, question_count=2,
        score=100 if passed else 0, passed=passed,
    )  # fmt: skip
    QuizAttempt.objects.filter(pk=attempt.pk).update(created_at=at)


def finish(user, module, at, *, quiz_at=None):
    do_lessons(user, module, at)
    pass_quiz(user, module, quiz_at or at)


def modules(course) -> list[Module]:
    return list(course.modules.order_by("position"))


def digest_mail(to: str):
    return [message for message in sent_mail() if message.to == [to]]


@pytest.fixture
def week(school, course):
    """A school where, in the week of 23 November, families joined, finished modules and passed a due date."""
    first, second = modules(course)
    year7 = school.cohorts.get()  # due in the week
    year8 = Cohort.objects.create(school=school, name="Year 8 2026")  # due two weeks before
    Assignment.objects.create(cohort=year7, course=course, due=datetime.date(2026, 11, 27))
    Assignment.objects.create(cohort=year8, course=course, due=datetime.date(2026, 11, 13))
    Membership.objects.filter(school=school).update(joined_at=IN_THE_WEEK)  # the coordinator: not a family
    mere = join(school, "Mere", cohort=year7, at=IN_THE_WEEK)
    finish(mere, first, IN_THE_WEEK)
    join(school, "Ana", at=WEEK_START)  # the first moment of the week
    hemi = join(school, "Hemi", cohort=year7)
    finish(hemi, first, IN_THE_WEEK)
    finish(hemi, second, IN_THE_WEEK)
    kiri = join(school, "Kiri")
    finish(kiri, first, WEEK_START)
    wiremu = join(school, "Wiremu", cohort=year7)
    finish(wiremu, second, WEEK_BEFORE, quiz_at=IN_THE_WEEK)  # its last step, the quiz, in the week
    tama = join(school, "Tama", cohort=year8)  # due two weeks ago
    finish(tama, first, AFTER_THE_WEEK)
    rawiri = join(school, "Rawiri", at=WEEK_END)  # the first moment after the week
    finish(rawiri, second, WEEK_BEFORE)
    hohepa = join(school, "Hohepa", at=TWO_WEEKS_AGO)
    finish(hohepa, first, IN_THE_WEEK, quiz_at=AFTER_THE_WEEK)  # its last step after the week
    return school


# What it says ---------------------------------------------------------------------------------------


def test_the_digest_lists_who_joined_what_was_finished_and_whose_due_date_passed(week):
    assert send_weekly_digests(period=PERIOD, base_url=BASE_URL) == 1
    (message,) = digest_mail("coord@school.nz")
    body = message.body
    assert "Kia ora," in body
    assert "New families this week\n- Ana\n- Mere\n" in body
    assert "Modules finished this week\n- Module 1: 3 families\n- Module 2: 2 families\n" in body
    assert "Families whose due date has passed\n- Mere\n- Wiremu\n" in body
    assert message.subject == "Kōwhai School on Safe Online Families: 23 November 2026 to 29 November 2026"


def test_the_digest_leaves_out_what_happened_before_or_after_the_week(week):
    send_weekly_digests(period=PERIOD, base_url=BASE_URL)
    (message,) = digest_mail("coord@school.nz")
    # Hohepa joined two weeks ago, Rawiri just after the week; Tama's due date was two weeks ago and he
    # finished a module only this week; Hemi has finished the course.
    for name in ("Hohepa", "Rawiri", "Tama", "Hemi", "Kiri", "Coordinator"):
        assert name not in message.body
    html = message.alternatives[0].content
    assert "<li>Module 1: 3 families</li>" in html
    assert "Tama" not in html


def test_the_digest_links_to_the_dashboard_its_overdue_families_and_the_stop_page(week):
    send_weekly_digests(period=PERIOD, base_url=BASE_URL + "/")
    (message,) = digest_mail("coord@school.nz")
    token = Membership.objects.coordinators().get(school=week).reminder_token
    assert "http://testserver/schools/kowhai/\n" in message.body
    assert "http://testserver/schools/kowhai/?status=overdue\n" in message.body
    assert f"Stop these weekly emails:\nhttp://testserver/digest/stop/{token}/\n" in message.body
    html = message.alternatives[0]
    assert html.mimetype == "text/html"
    assert f'<a href="http://testserver/digest/stop/{token}/">Stop these weekly emails</a>' in html.content
    assert '<html lang="en-NZ">' in html.content


def test_a_module_is_finished_when_its_last_step_is_done_and_only_if_it_is_still_done(school, course):
    first, second = modules(course)
    quiz_last = join(school, "Quiz last")
    finish(quiz_last, first, WEEK_BEFORE, quiz_at=IN_THE_WEEK)
    lessons_last = join(school, "Lessons last")
    finish(lessons_last, first, IN_THE_WEEK, quiz_at=WEEK_BEFORE)
    passed_twice = join(school, "Passed twice")
    finish(passed_twice, first, WEEK_BEFORE)
    pass_quiz(passed_twice, first, IN_THE_WEEK)  # only the first pass counts: it finished the week before
    lesson_missing = join(school, "Lesson missing")
    do_lessons(lesson_missing, second, IN_THE_WEEK, leave_out=1)
    pass_quiz(lesson_missing, second, IN_THE_WEEK)
    quiz_failed = join(school, "Quiz failed")
    do_lessons(quiz_failed, second, IN_THE_WEEK)
    pass_quiz(quiz_failed, second, IN_THE_WEEK, passed=False)
    digest = digest_for(school, start=WEEK_START, end=WEEK_END)
    assert digest.finished == [("Module 1", 2)]


def test_a_module_finished_in_the_week_with_a_lesson_published_since_is_not_counted(school, course):
    first, second = modules(course)
    family = join(school, "Aroha")
    finish(family, first, IN_THE_WEEK)
    finish(family, second, IN_THE_WEEK)
    make_lesson(module=second, position=3, slug="lesson-3")
    assert digest_for(school, start=WEEK_START, end=WEEK_END).finished == [("Module 1", 1)]


def test_a_digest_with_nothing_in_it_is_false():
    assert not Digest()
    assert Digest(finished=[("Module 1", 1)])


def test_long_lists_of_names_end_with_how_many_more(school):
    for n in range(MAX_NAMES + 3):
        join(school, f"Family {n:02d}", at=IN_THE_WEEK)
    send_weekly_digests(period=PERIOD, base_url=BASE_URL)
    (message,) = digest_mail("coord@school.nz")
    assert "- Family 19\nand 3 more\n" in message.body
    assert "Family 20" not in message.body
    assert "<li>and 3 more</li>" in message.alternatives[0].content


# Who gets it, and how often ------------------------------------------------------------------------


def test_a_coordinator_who_stopped_the_digest_gets_none_and_the_other_coordinator_still_does(week):
    other = make_user(email="deputy@school.nz", display_name="Deputy")
    Membership.objects.create(school=week, user=other, role="coordinator")
    Membership.objects.filter(user__email="coord@school.nz").update(digest_stopped=True)
    assert send_weekly_digests(period=PERIOD, base_url=BASE_URL) == 1
    assert [message.to for message in sent_mail()] == [["deputy@school.nz"]]


def test_families_never_get_the_digest(week):
    send_weekly_digests(period=PERIOD, base_url=BASE_URL)
    assert [message.to for message in sent_mail()] == [["coord@school.nz"]]


def test_sending_twice_for_the_same_week_sends_each_digest_once(week):
    assert send_weekly_digests(period=PERIOD, base_url=BASE_URL) == 1
    assert send_weekly_digests(period=PERIOD, base_url=BASE_URL) == 0
    assert len(sent_mail()) == 1
    # The next week is a digest of its own: Hohepa and Tama finished Module 1 on 1 December.
    assert send_weekly_digests(period="2026-W50", base_url=BASE_URL) == 1
    assert "- Module 1: 2 families\n" in sent_mail()[1].body


def test_a_week_with_nothing_to_report_sends_nothing(school, course):
    join(school, "Hohepa", at=TWO_WEEKS_AGO)
    finish(join(school, "Tama"), modules(course)[0], AFTER_THE_WEEK)
    assert send_weekly_digests(period=PERIOD, base_url=BASE_URL) == 0
    assert not sent_mail()


def test_a_coordinator_of_two_schools_gets_one_digest_for_each_with_its_own_news(week, coordinator, course):
    other = make_school(name="Rimu School", slug="rimu", course=course, coordinators=[coordinator])
    Membership.objects.filter(school=other).update(joined_at=TWO_WEEKS_AGO)
    finish(join(other, "Aperahama", at=IN_THE_WEEK), modules(course)[1], IN_THE_WEEK)
    assert send_weekly_digests(period=PERIOD, base_url=BASE_URL) == 2
    by_school = {message.subject.split(" on ")[0]: message.body for message in digest_mail("coord@school.nz")}
    assert set(by_school) == {"Kōwhai School", "Rimu School"}
    assert "New families this week\n- Aperahama\n" in by_school["Rimu School"]
    assert "Modules finished this week\n- Module 2: 1 family\n\n" in by_school["Rimu School"]
    assert "Mere" not in by_school["Rimu School"]
    assert "Aperahama" not in by_school["Kōwhai School"]
    assert "- Module 2: 2 families" in by_school["Kōwhai School"]


def test_the_weekly_task_sends_the_digest_with_links_to_the_site(week, settings):
    settings.SITE_URL = "https://families.example.nz"
    tasks.send_weekly_digests.enqueue(PERIOD)
    (message,) = sent_mail()
    assert "https://families.example.nz/digest/stop/" in message.body


@pytest.mark.parametrize("job", [tasks.send_weekly_digests, tasks.send_due_reminders])
def test_the_jobs_stop_with_one_line_when_they_do_not_know_the_site_address(job, week, settings):
    settings.SITE_URL = ""
    with pytest.raises(ImproperlyConfigured, match="Set SITE_URL"):
        job.call(PERIOD)
    assert not sent_mail()


@pytest.mark.parametrize("families", [3, 40])
def test_the_digest_takes_the_same_queries_for_any_number_of_families(
    school, course, families, django_assert_max_num_queries
):
    first, _second = modules(course)
    Assignment.objects.create(cohort=school.cohorts.get(), course=course, due=datetime.date(2026, 11, 27))
    for n in range(families):
        user = join(school, f"Family {n}", cohort=school.cohorts.get(), at=IN_THE_WEEK)
        finish(user, first, IN_THE_WEEK)
    with django_assert_max_num_queries(14):
        assert send_weekly_digests(period=PERIOD, base_url=BASE_URL) == 1
    assert f"- Module 1: {families} families" in sent_mail()[0].body


# The week ------------------------------------------------------------------------------------------


def test_the_week_before_is_the_previous_iso_week_in_new_zealand_time():
    start, end = week_before("2026-W49")
    assert (start, end) == (datetime.datetime(2026, 11, 23, tzinfo=NZ), datetime.datetime(2026, 11, 30, tzinfo=NZ))
    assert start.utcoffset() == datetime.timedelta(hours=13)  # daylight time
    assert start.isoformat() == "2026-11-23T00:00:00+13:00"


def test_the_week_before_the_first_week_of_a_year_is_in_the_year_before():
    start, end = week_before("2027-W01")
    assert (start.date(), end.date()) == (datetime.date(2026, 12, 28), datetime.date(2027, 1, 4))


@pytest.mark.parametrize("period", ["2026-49", "2026-W5", "2026-W00", "2026-W54", "2026-W49 ", "", "W49-2026"])
def test_a_malformed_period_is_refused(period):
    with pytest.raises(ValueError, match=r"(?i)week"):
        week_before(period)


# The stop page -------------------------------------------------------------------------------------


def stop_url(membership) -> str:
    return f"/digest/stop/{membership.reminder_token}/"


def test_opening_the_stop_link_changes_nothing_and_its_button_stops_the_digest(client, week):
    coordinator = Membership.objects.coordinators().get(school=week)
    response = client.get(stop_url(coordinator))
    assert response.status_code == 200
    assert re.findall(r"<h1[ >]", response.content.decode()) == ["<h1>"]
    assert b"Stop the weekly emails about this school" in response.content
    coordinator.refresh_from_db()
    assert not coordinator.digest_stopped
    response = client.post(stop_url(coordinator))
    assert response.status_code == 200
    assert "will not send you any more weekly emails about Kōwhai School" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.digest_stopped
    assert not coordinator.reminders_stopped
    assert send_weekly_digests(period=PERIOD, base_url=BASE_URL) == 0


def test_stopping_twice_is_harmless(client, week):
    coordinator = Membership.objects.coordinators().get(school=week)
    client.post(stop_url(coordinator))
    assert client.post(stop_url(coordinator)).status_code == 200
    assert Membership.objects.filter(digest_stopped=True).count() == 1


def test_a_familys_token_cannot_stop_a_digest(client, week):
    family = Membership.objects.families().filter(school=week).first()
    assert client.get(stop_url(family)).status_code == 404
    assert client.post(stop_url(family)).status_code == 404
    assert not Membership.objects.filter(digest_stopped=True).exists()


def test_an_unknown_stop_link_is_404(client):
    assert client.get("/digest/stop/not-a-token/").status_code == 404


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_stop_page_refuses_other_methods(client, week, method):
    coordinator = Membership.objects.coordinators().get(school=week)
    assert getattr(client, method)(stop_url(coordinator)).status_code == 405
    coordinator.refresh_from_db()
    assert not coordinator.digest_stopped
