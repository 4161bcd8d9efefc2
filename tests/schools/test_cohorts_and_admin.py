"""Cohorts with due dates, the staff admin, and forms that never fail whatever is posted."""

import datetime

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schools.models import Assignment, Cohort, Membership
from tests.factories import log_in_two_factor, make_staff, make_user

pytestmark = pytest.mark.django_db


def test_coordinator_adds_a_cohort_with_a_due_date(client, school, coordinator, course):
    log_in_two_factor(client, coordinator)
    response = client.post(f"/schools/{school.slug}/cohorts/", {"name": " Year 8  2027 ", "due": "2027-06-30"})
    assert response["Location"] == f"/schools/{school.slug}/cohorts/"
    cohort = Cohort.objects.get(school=school, name="Year 8 2027")
    assert Assignment.objects.get(cohort=cohort).due == datetime.date(2027, 6, 30)
    html = client.get(f"/schools/{school.slug}/cohorts/").content.decode()
    assert "finish by 30 June 2027" in html
    assert f"/join/{cohort.join_code}/" in html


def test_saving_an_existing_cohort_changes_or_clears_its_date(client, school, coordinator, course):
    log_in_two_factor(client, coordinator)
    client.post(f"/schools/{school.slug}/cohorts/", {"name": "year 7 2027", "due": "2027-01-01"})
    assert Cohort.objects.filter(school=school).count() == 1
    assert Assignment.objects.get().due == datetime.date(2027, 1, 1)
    client.post(f"/schools/{school.slug}/cohorts/", {"name": "Year 7 2027", "due": ""})
    assert not Assignment.objects.exists()


def test_a_bad_date_gets_a_message_next_to_the_field(client, school, coordinator):
    log_in_two_factor(client, coordinator)
    response = client.post(f"/schools/{school.slug}/cohorts/", {"name": "Year 9", "due": "soon"})
    assert response.status_code == 200
    assert "error-message" in response.content.decode()


def test_staff_manage_schools_in_the_admin(client, school):
    staff = make_staff()
    log_in_two_factor(client, staff)
    Membership.objects.create(school=school, user=make_user())
    for url in ["/admin/schools/school/", f"/admin/schools/school/{school.pk}/change/", "/admin/schools/school/add/",
                "/admin/schools/membership/", "/admin/schools/invitation/", "/admin/schools/assignment/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url
    html = client.get(f"/admin/schools/school/{school.pk}/change/").content.decode()
    assert "Coordinators" in html


FUZZ = settings(max_examples=30, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
TEXT = st.one_of(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300),
                 st.sampled_from(["", "\x00", "a@b.nz,,,,", '"', "=1+1", "x" * 5000]))  # fmt: skip


@FUZZ
@given(rows=TEXT, text=TEXT, name=TEXT, due=TEXT, code=TEXT)
def test_school_forms_never_fail(school, coordinator, rows, text, name, due, code):
    client = Client()
    log_in_two_factor(client, coordinator)
    for path, data in [
        (f"/schools/{school.slug}/invite/", {"rows": rows}),
        (f"/schools/{school.slug}/invite/", {"text": text, "confirm": "send"}),
        (f"/schools/{school.slug}/cohorts/", {"name": name, "due": due}),
        (f"/schools/{school.slug}/remind/", {"families": [rows, text]}),
    ]:
        assert client.post(path, data).status_code < 500, (path, data)
    assert client.get("/join/", {"code": code}).status_code < 500
    assert (
        client.get(f"/schools/{school.slug}/", {"q": code, "cohort": name, "sort": due, "page": text}).status_code < 500
    )
