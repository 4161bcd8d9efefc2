"""A teacher asks for their school's page; a site admin approves it (making the school) or declines it."""

import pytest
from django.core import mail

from schools.models import Membership, RequestStatus, School, SchoolRequest
from tests.factories import log_in_two_factor, make_school, make_staff, make_user

pytestmark = pytest.mark.django_db

ASKING = {"school_name": "Pōhutukawa Primary", "town": "Whangārei", "role": "Deputy principal", "message": ""}


@pytest.fixture
def teacher(client):
    user = make_user(email="dp@pohutukawa.school.nz", verified=True)
    client.force_login(user)
    return user


def test_a_teacher_asks_once_and_sees_the_request_waiting(client, teacher):
    response = client.post("/schools/request/", ASKING)
    assert response["Location"] == "/schools/"
    request = SchoolRequest.objects.get()
    assert (request.requested_by, request.school_name, request.status) == (teacher, "Pōhutukawa Primary", "waiting")
    assert "Your request for Pōhutukawa Primary is waiting" in client.get("/schools/").content.decode()
    again = client.post("/schools/request/", {**ASKING, "school_name": "Another"})
    assert again.status_code == 400
    assert "is waiting for us to check it" in again.content.decode()
    assert SchoolRequest.objects.count() == 1


def test_missing_details_are_named_next_to_their_fields(client, teacher):
    response = client.post("/schools/request/", {**ASKING, "town": "", "role": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('class="error-message"') >= 2
    assert not SchoolRequest.objects.exists()


def test_an_unconfirmed_address_must_be_confirmed_first(client):
    client.force_login(make_user(email="new@school.nz"))
    response = client.get("/schools/request/")
    assert "First, confirm your email address" in response.content.decode()
    assert client.post("/schools/request/", ASKING).status_code == 400
    assert not SchoolRequest.objects.exists()


def test_visitors_log_in_first(client):
    assert client.get("/schools/request/")["Location"].startswith("/accounts/login/")


def admin_action(client, action, requests):
    return client.post(
        "/admin/schools/schoolrequest/",
        {"action": action, "_selected_action": [item.pk for item in requests]},
    )


def test_approving_makes_the_school_with_the_teacher_as_coordinator_and_emails_them(
    client, teacher, django_capture_on_commit_callbacks
):
    make_school(name="Pohutukawa Primary", slug="pohutukawa-primary")  # a namesake elsewhere keeps its address
    request = SchoolRequest.objects.create(requested_by=teacher, **ASKING)
    log_in_two_factor(client, make_staff())
    with django_capture_on_commit_callbacks(execute=True):
        admin_action(client, "approve", [request])
    request.refresh_from_db()
    school = School.objects.get(name="Pōhutukawa Primary")
    assert (request.status, request.school, school.slug) == (RequestStatus.APPROVED, school, "pohutukawa-primary-2")
    assert Membership.objects.coordinators().get(school=school).user == teacher
    assert mail.outbox[-1].to == [teacher.email]
    assert "http://testserver/schools/pohutukawa-primary-2/" in mail.outbox[-1].body
    # Approving again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        admin_action(client, "approve", [request])
    assert School.objects.filter(name="Pōhutukawa Primary").count() == 1
    assert len(mail.outbox) == 1
    # The teacher reaches the new school's dashboard after two-step sign-in.
    log_in_two_factor(client, teacher)
    assert client.get(f"/schools/{school.slug}/").status_code == 200


def test_declining_sends_a_kind_email_and_makes_nothing(client, teacher, django_capture_on_commit_callbacks):
    request = SchoolRequest.objects.create(requested_by=teacher, **ASKING)
    log_in_two_factor(client, make_staff())
    with django_capture_on_commit_callbacks(execute=True):
        admin_action(client, "decline", [request])
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert not School.objects.exists()
    assert mail.outbox[-1].to == [teacher.email]
    assert "welcome to ask again" in mail.outbox[-1].body


def test_visitors_read_what_a_school_page_offers_and_how_to_ask(client):
    html = client.get("/schools/").content.decode()
    assert "<h1>For schools</h1>" in html
    assert "never see quiz answers or scores" in html
    assert 'href="/signup/?next=/schools/request/"' in html
    assert 'href="/accounts/login/?next=/schools/request/"' in html
