"""A teacher asks for their school's page; a site admin approves it (making the school) or declines it."""

import pytest

from schools.models import Membership, RequestStatus, School, SchoolRequest
from tests.factories import log_in_two_factor, make_school, make_staff, make_user
from tests.mail import sent_mail

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


def test_site_admins_are_emailed_with_a_link_to_the_request(client, teacher):
    admins = [make_staff(email="admin1@example.nz"), make_staff(email="admin2@example.nz")]
    make_staff(email="gone@example.nz", is_active=False)
    make_user(email="parent@example.nz", verified=True)
    client.post("/schools/request/", {**ASKING, "message": "Our board asked for this."})
    request = SchoolRequest.objects.get()
    messages = sent_mail()
    assert sorted(message.to[0] for message in messages) == [admin.email for admin in admins]
    body = messages[0].body
    assert "Pōhutukawa Primary, Whangārei" in messages[0].subject
    assert "dp@pohutukawa.school.nz" in body
    assert "Deputy principal" in body
    assert "Our board asked for this." in body
    assert f"http://testserver/admin/schools/schoolrequest/{request.pk}/change/" in body
    # A second ask while the first waits tells nobody again.
    client.post("/schools/request/", ASKING)
    assert len(sent_mail()) == 2


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
    assert sent_mail()[-1].to == [teacher.email]
    assert "http://testserver/schools/pohutukawa-primary-2/" in sent_mail()[-1].body
    # Approving again changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        admin_action(client, "approve", [request])
    assert School.objects.filter(name="Pōhutukawa Primary").count() == 1
    assert len(sent_mail()) == 1
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
    assert sent_mail()[-1].to == [teacher.email]
    assert "welcome to ask again" in sent_mail()[-1].body


def test_visitors_read_what_a_school_page_offers_and_how_to_ask(client):
    html = client.get("/schools/").content.decode()
    assert "<h1>For schools</h1>" in html
    assert "never see quiz answers or scores" in html
    assert 'href="/signup/?next=/schools/request/"' in html
    assert 'href="/accounts/login/?next=/schools/request/"' in html
