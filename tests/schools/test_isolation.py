"""Coordinators see only their own school; families and strangers see no school page at all."""

import pytest

from schools.models import Invitation, Membership
from tests.factories import log_in_two_factor, make_course, make_school, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

COORDINATOR_GETS = ["/schools/{s}/", "/schools/{s}/export.csv", "/schools/{s}/invite/", "/schools/{s}/invitations/",
                    "/schools/{s}/flyer/", "/schools/{s}/cohorts/"]  # fmt: skip
COORDINATOR_POSTS = [
    "/schools/{s}/remind/",
    "/schools/{s}/invitations/{i}/resend/",
    "/schools/{s}/invitations/{i}/revoke/",
]


@pytest.fixture
def world():
    course = make_course(slug="safe", modules=1)
    coord_a, coord_b = make_user(email="a@school.nz"), make_user(email="b@school.nz")
    both, neither = make_user(email="both@example.nz"), make_user(email="neither@example.nz")
    school_a = make_school(slug="alpha", course=course, coordinators=[coord_a], families=[both])
    school_b = make_school(slug="beta", course=course, coordinators=[coord_b], families=[both])
    invitations = {
        school.slug: Invitation.objects.create(school=school, email="x@example.nz", token_hash=f"h{school.slug}")
        for school in (school_a, school_b)
    }
    return {
        "users": {"coord_a": coord_a, "coord_b": coord_b, "both": both, "neither": neither},
        "coordinates": {"coord_a": "alpha", "coord_b": "beta"},
        "invitations": invitations,
    }


@pytest.mark.parametrize("who", ["coord_a", "coord_b", "both", "neither"])
@pytest.mark.parametrize("slug", ["alpha", "beta"])
def test_every_school_page_answers_only_its_coordinators(client, world, who, slug):
    log_in_two_factor(client, world["users"][who])
    mine = world["coordinates"].get(who) == slug
    invitation = world["invitations"][slug]
    for template in COORDINATOR_GETS:
        response = client.get(template.format(s=slug))
        assert response.status_code == (200 if mine else 404), (who, template)
    for template in COORDINATOR_POSTS:
        response = client.post(template.format(s=slug, i=invitation.pk))
        assert response.status_code == (302 if mine else 404), (who, template)


def test_a_coordinator_cannot_touch_another_schools_invitation_through_their_own_school(client, world):
    log_in_two_factor(client, world["users"]["coord_a"])
    other = world["invitations"]["beta"]
    assert client.post(f"/schools/alpha/invitations/{other.pk}/revoke/").status_code == 404
    assert client.post(f"/schools/alpha/invitations/{other.pk}/resend/").status_code == 404
    assert client.post("/schools/alpha/invitations/x/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


@pytest.mark.parametrize("who", ["coord_a", "coord_b", "both", "neither"])
def test_leave_is_only_for_families_of_that_school(client, world, who):
    log_in_two_factor(client, world["users"][who])
    expected = 302 if who == "both" else 404
    assert client.post("/schools/alpha/leave/").status_code == expected
    assert Membership.objects.filter(user=world["users"][who], school__slug="beta").exists() == (
        who != "neither" and who != "coord_a"
    )


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for template in COORDINATOR_GETS:
        response = client.get(template.format(s="alpha"))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_coordinator_pages_refuse_the_wrong_method(client, world):
    log_in_two_factor(client, world["users"]["coord_a"])
    assert client.post("/schools/alpha/").status_code == 405
    assert client.post("/schools/alpha/export.csv").status_code == 405
    assert client.get("/schools/alpha/remind/").status_code == 405
    assert client.get("/schools/alpha/leave/").status_code == 405
    assert client.put("/schools/alpha/invite/").status_code == 405


def test_unknown_school_is_404(client, world):
    log_in_two_factor(client, world["users"]["coord_a"])
    assert client.get("/schools/nowhere/").status_code == 404


def test_school_list_shows_only_my_schools(client, world):
    log_in_two_factor(client, world["users"]["coord_a"])
    html = client.get("/schools/").content.decode()
    assert "/schools/alpha/" in html
    assert "/schools/beta/" not in html


@pytest.mark.parametrize("template", COORDINATOR_GETS)
def test_a_coordinator_without_a_second_factor_is_sent_to_set_one_up_before_any_school_page(client, world, template):
    client.force_login(world["users"]["coord_a"])
    response = client.get(template.format(s="alpha"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    # Someone else's school is still a 404, before any talk of a second step.
    assert client.get(template.format(s="beta")).status_code == 404


def test_a_form_posted_without_a_second_factor_does_nothing(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["users"]["coord_a"])
    invitation = world["invitations"]["alpha"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/schools/alpha/invitations/{invitation.pk}/revoke/")["Location"] == "/accounts/2fa/"
        assert client.post("/schools/alpha/remind/", {"everyone": "on"})["Location"] == "/accounts/2fa/"
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert not Membership.objects.filter(last_reminded_at__isnull=False).exists()
    assert not sent_mail()


def test_the_school_list_asks_coordinators_for_a_second_factor_but_not_families(client, world):
    client.force_login(world["users"]["coord_a"])
    assert client.get("/schools/")["Location"] == "/accounts/2fa/"
    client.force_login(world["users"]["both"])
    assert client.get("/schools/").status_code == 200
