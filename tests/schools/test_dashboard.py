"""The coordinator's dashboard and its CSV: completion per family and module, never answers or scores."""

import csv
import datetime
import io
import re

import pytest
from django.http import StreamingHttpResponse
from django.test import Client

from accounts.models import User
from core import memo
from courses import actions, progress
from courses.models import Lesson, LessonCompletion, Quiz, QuizAttempt
from schools import dashboard
from schools.models import Assignment, Membership
from tests.factories import PASSWORD, log_in_two_factor, make_user
from tests.html import parse

pytestmark = pytest.mark.django_db


def finish_module(user, course, position):
    for lesson in Lesson.objects.filter(module__course=course, module__position=position):
        LessonCompletion.objects.create(user=user, lesson=lesson)
    quiz = Quiz.objects.get(module__course=course, module__position=position)
    QuizAttempt.objects.create(user=user, quiz=quiz, token=f"t{user.pk}-{position}", correct_count=2,
                               question_count=2, score=97, passed=True)  # fmt: skip


def many_users(count: int, prefix: str = "f") -> list[User]:
    """Accounts without passwords: hashing hundreds with Argon2 would make the test slow, not better."""
    return User.objects.bulk_create(
        [User(email=f"{prefix}{n:02}@example.nz", display_name=f"P{n:02}", password="!") for n in range(count)]
    )


def family_names(html: str) -> list[str]:
    """The names in the families table's row headers, in order (not the page's tokens, which may hold "P50")."""
    return re.findall(r'<th scope="row">([^<]*)<br>', html)


@pytest.fixture
def families(school, course):
    cohort = school.cohorts.get()
    done = make_user(email="done@example.nz", display_name="Tama Done")
    started = make_user(email="started@example.nz", display_name="Mere Started")
    idle = make_user(email="idle@example.nz", display_name="Ari Idle", verified=True)  # logs in in some tests
    for user in (done, started, idle):
        Membership.objects.create(school=school, user=user, cohort=cohort if user != done else None)
    finish_module(done, course, 1)
    finish_module(done, course, 2)
    LessonCompletion.objects.create(user=started, lesson=Lesson.objects.filter(module__course=course).first())
    Assignment.objects.create(cohort=cohort, course=course, due=datetime.date(2020, 1, 1))
    return {"done": done, "started": started, "idle": idle}


@pytest.fixture
def coord_client(client, coordinator):
    log_in_two_factor(client, coordinator)
    return client


def test_statuses_per_family_and_module(school, families):
    _shapes, rows = dashboard.family_rows(school)
    by_email = {row.email: row for row in rows}
    assert by_email["done@example.nz"].modules == ["done", "done"]
    assert by_email["started@example.nz"].modules == ["in_progress", "not_started"]
    assert by_email["idle@example.nz"].modules == ["not_started", "not_started"]
    assert by_email["started@example.nz"].overdue
    assert not by_email["done@example.nz"].overdue


def test_dashboard_shows_totals_and_never_scores(coord_client, school, families):
    html = coord_client.get(f"/schools/{school.slug}/").content.decode()
    assert "Tama Done" in html
    assert "coord@school.nz" not in html.split("<main", 1)[1]
    for total in ("Families</dt><dd>3", "Completed</dt><dd>1", "In progress</dt><dd>1", "Not started</dt><dd>1",
                  "Overdue</dt><dd>2"):  # fmt: skip
        assert total in html.replace("\n", "").replace("  ", ""), total
    # Only the words on the page: a CSRF token or the join code may hold "97" by chance.
    words = parse(html.split("<main", 1)[1]).visible_text().replace(school.join_code, "")
    assert "97" not in words
    assert "%" not in words


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"status": "done"}, "Tama Done", "Mere Started"),
        ({"status": "overdue"}, "Ari Idle", "Tama Done"),
        ({"q": "MERE"}, "Mere Started", "Ari Idle"),
        ({"q": "idle@"}, "Ari Idle", "Mere Started"),
    ],
)
def test_filters_and_search(coord_client, school, families, query, shown, hidden):
    html = coord_client.get(f"/schools/{school.slug}/", query).content.decode()
    assert shown in html
    assert hidden not in html


def test_cohort_filter_and_sorting(coord_client, school, families):
    cohort = school.cohorts.get()
    html = coord_client.get(f"/schools/{school.slug}/", {"cohort": cohort.pk, "sort": "name"}).content.decode()
    assert "Tama Done" not in html
    assert html.index("Ari Idle") < html.index("Mere Started")
    html = coord_client.get(f"/schools/{school.slug}/", {"sort": "-progress"}).content.decode()
    assert html.index("Tama Done") < html.index("Mere Started") < html.index("Ari Idle")


def test_nonsense_filters_are_ignored(coord_client, school, families):
    response = coord_client.get(f"/schools/{school.slug}/", {"cohort": "x", "status": "?", "sort": "no", "page": "99"})
    assert response.status_code == 200


def test_pages_of_fifty(coord_client, school, course):
    for user in many_users(55, "p"):
        Membership.objects.create(school=school, user=user)
    first = coord_client.get(f"/schools/{school.slug}/").content.decode()
    assert family_names(first) == [f"P{n:02}" for n in range(50)]
    assert 'rel="next"' in first
    second = coord_client.get(f"/schools/{school.slug}/", {"page": 2, "sort": "name"}).content.decode()
    assert family_names(second) == [f"P{n:02}" for n in range(50, 55)]


@pytest.mark.parametrize("size", [3, 60])
def test_dashboard_query_count_is_flat(coord_client, school, course, django_assert_max_num_queries, size):
    for user in many_users(size):
        Membership.objects.create(school=school, user=user, cohort=school.cohorts.get())
        finish_module(user, course, 1)
    with django_assert_max_num_queries(15):
        assert coord_client.get(f"/schools/{school.slug}/", {"status": "in_progress"}).status_code == 200


@pytest.mark.parametrize("size", [3, 60])
def test_export_query_count_is_flat(coord_client, school, course, django_assert_max_num_queries, size, monkeypatch):
    monkeypatch.setattr(dashboard, "EXPORT_CHUNK", 1000)
    for user in many_users(size):
        Membership.objects.create(school=school, user=user)
    # 12, and 2 for the session's first school page: whether the coordinator has a second factor, noted
    # in the session.
    with django_assert_max_num_queries(14):
        response = coord_client.get(f"/schools/{school.slug}/export.csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == size + 1


def test_export_streams_the_same_statuses(coord_client, school, families):
    response = coord_client.get(f"/schools/{school.slug}/export.csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["Name", "Email", "Cohort", "Due", "Status"]
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["done@example.nz"][4:] == ["Done", "Done", "Done"]
    assert by_email["started@example.nz"][4:] == ["In progress", "In progress", "Not started"]


def test_export_works_in_chunks(school, families):
    lines = list(dashboard.export_lines(school, chunk=1))
    assert len(lines) == 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+64 21", "'+64 21"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("Aroha", "Aroha"), ("a=b", "a=b"), (None, "")],
)  # fmt: skip
def test_formula_like_cells_are_neutralised(value, expected):
    assert dashboard.neutralise(value) == expected


def test_export_neutralises_names(coord_client, school):
    Membership.objects.create(school=school, user=make_user(display_name='=HYPERLINK("http://evil")'))
    body = b"".join(coord_client.get(f"/schools/{school.slug}/export.csv").streaming_content).decode()
    assert "'=HYPERLINK" in body


class TestSnapshots:
    """The dashboard reuses its work between views, and still shows every change at once."""

    def view(self, client, school, **query):
        return client.get(f"/schools/{school.slug}/", query).content.decode()

    def test_a_second_view_reuses_the_work_of_the_first(
        self, coord_client, school, course, families, django_assert_max_num_queries
    ):
        self.view(coord_client, school)
        # The session (from the cache when REDIS_URL is set) and the school (that the coordinator has a
        # second factor is kept in the session): nothing worked out again.
        with django_assert_max_num_queries(2):
            assert "Tama Done" in self.view(coord_client, school)

    def test_another_process_loads_the_work_instead_of_doing_it_again(
        self, coord_client, school, families, django_assert_max_num_queries
    ):
        self.view(coord_client, school)
        memo.forget_all()  # as a fresh worker would start
        with django_assert_max_num_queries(6):
            assert "Tama Done" in self.view(coord_client, school)

    def test_progress_shows_at_once(self, client, coordinator, school, course, families):
        log_in_two_factor(client, coordinator)
        assert "Ari Idle" in self.view(client, school, status="not_started")
        client.force_login(families["idle"])
        lesson = Lesson.objects.filter(module__course=course).first()
        client.post(f"/courses/{course.slug}/{lesson.module.slug}/{lesson.slug}/complete/")
        log_in_two_factor(client, coordinator)
        assert "Ari Idle" not in self.view(client, school, status="not_started")
        assert "Ari Idle" in self.view(client, school, status="in_progress")

    def test_a_guests_lessons_carried_into_the_account_show_at_once(
        self, client, coordinator, school, course, families
    ):
        log_in_two_factor(client, coordinator)
        assert "Ari Idle" in self.view(client, school, status="not_started")
        client.logout()
        lesson = Lesson.objects.filter(module__course=course, module__position=1).first()
        client.post(f"/courses/{course.slug}/{lesson.module.slug}/{lesson.slug}/complete/")
        response = client.post("/accounts/login/", {"login": "idle@example.nz", "password": PASSWORD})
        assert response["Location"] == "/learning/"  # the guest's lessons are carried into the account here
        log_in_two_factor(client, coordinator)
        assert "Ari Idle" in self.view(client, school, status="in_progress")

    def test_names_families_leaving_and_due_dates_show_at_once(self, coord_client, school, course, families):
        self.view(coord_client, school)
        idle = families["idle"]
        idle.display_name = "Ari Renamed"
        idle.save()
        assert "Ari Renamed" in self.view(coord_client, school)
        Membership.objects.filter(user=families["started"]).delete()
        assert "Mere Started" not in self.view(coord_client, school)
        assignment = Assignment.objects.get()
        assignment.due = datetime.date(2999, 1, 1)
        assignment.save()
        assert "Overdue</dt><dd>0" in self.view(coord_client, school)
        module = course.modules.order_by("position").first()
        module.title = "A renamed module"
        module.save()
        assert "A renamed module" in self.view(coord_client, school)

    def test_a_log_in_does_not_throw_the_work_away(self, coord_client, school, families, django_assert_max_num_queries):
        self.view(coord_client, school)
        response = Client().post("/accounts/login/", {"login": "idle@example.nz", "password": PASSWORD})
        assert response["Location"] == "/learning/"
        with django_assert_max_num_queries(6):
            self.view(coord_client, school)


@pytest.mark.parametrize("finished", [[], [1], [1, 2]])
def test_a_schools_done_is_the_certificates_done(school, course, finished):
    family = make_user(email="family@example.nz")
    Membership.objects.create(school=school, user=family)
    for position in finished:
        finish_module(family, course, position)
    _shapes, rows = dashboard.family_rows(school)
    (row,) = [row for row in rows if row.email == family.email]
    certificate = actions.issue_certificate(user=family, course=course)
    assert (row.status == "done") == (certificate is not None)
    assert row.modules == [progress.course_progress(course, user=family).modules[i].status for i in range(2)]
