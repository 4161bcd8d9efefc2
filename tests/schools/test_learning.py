"""On /learning/ a family sees which schools see their progress, their due dates, and can leave."""

import datetime

import pytest

from schools.models import Assignment, Membership
from tests.factories import log_in_two_factor, make_school, make_user

pytestmark = pytest.mark.django_db


def test_learning_lists_schools_with_due_dates_and_leave(client, school, course):
    parent = make_user()
    cohort = school.cohorts.get()
    Membership.objects.create(school=school, user=parent, cohort=cohort)
    Assignment.objects.create(cohort=cohort, course=course, due=datetime.date(2027, 3, 5))
    client.force_login(parent)
    html = client.get("/learning/").content.decode()
    assert "Schools that see your progress" in html
    assert "Kōwhai School" in html
    assert "by 5 March 2027" in html
    assert f'action="/schools/{school.slug}/leave/"' in html


def test_leaving_a_school_hides_the_family_from_it(client, school, coordinator):
    parent = make_user(email="leaver@example.nz")
    other = make_school(families=[parent])
    Membership.objects.create(school=school, user=parent)
    client.force_login(parent)
    response = client.post(f"/schools/{school.slug}/leave/")
    assert response["Location"] == "/learning/"
    assert not Membership.objects.filter(school=school, user=parent).exists()
    assert Membership.objects.filter(school=other, user=parent).exists()
    log_in_two_factor(client, coordinator)
    assert "leaver@example.nz" not in client.get(f"/schools/{school.slug}/").content.decode()
    assert (
        "leaver@example.nz" not in b"".join(client.get(f"/schools/{school.slug}/export.csv").streaming_content).decode()
    )


def test_coordinators_see_a_link_to_their_dashboard(client, school, coordinator):
    log_in_two_factor(client, coordinator)
    assert f'href="/schools/{school.slug}/"' in client.get("/learning/").content.decode()


def test_leave_needs_a_login(client, school):
    assert client.post(f"/schools/{school.slug}/leave/").status_code == 302


def test_what_learning_shows_of_schools_is_current_after_each_change(client, school, course):
    """ "My learning" keeps the family's schools in the shared cache: every change shows on the next visit."""
    parent = make_user()
    client.force_login(parent)
    assert "Kōwhai School" not in client.get("/learning/").content.decode()
    cohort = school.cohorts.get()
    Membership.objects.create(school=school, user=parent, cohort=cohort)
    assert "Kōwhai School" in client.get("/learning/").content.decode()
    assignment = Assignment.objects.create(cohort=cohort, course=course, due=datetime.date(2027, 3, 5))
    assert "by 5 March 2027" in client.get("/learning/").content.decode()
    assignment.due = datetime.date(2027, 4, 9)
    assignment.save()
    assert "by 9 April 2027" in client.get("/learning/").content.decode()
    cohort.name = "Room 12"
    cohort.save()
    assert "Room 12" in client.get("/learning/").content.decode()
    school.name = "Kōwhai Primary"
    school.save()
    assert "Kōwhai Primary" in client.get("/learning/").content.decode()
    course.title = "Keeping tamariki safe"
    course.save()
    assert "Please finish Keeping tamariki safe" in client.get("/learning/").content.decode()
    Membership.objects.filter(school=school, user=parent).delete()
    assert "Kōwhai Primary" not in client.get("/learning/").content.decode()
