"""Families join by the school's link or by typing its code, after a consent screen."""

import re

import pytest

from courses.models import Enrollment
from schools.models import Membership
from tests.factories import PASSWORD, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent(client):
    user = make_user(email="parent@example.nz", verified=True)
    client.force_login(user)
    return user


def test_consent_screen_says_what_the_school_will_see(client, school, parent):
    response = client.get(f"/join/{school.join_code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "What the school will see" in html
    assert "Your name and email address" in html
    assert "never see your quiz answers or your scores" in html
    assert not Membership.objects.filter(user=parent).exists()


def test_joining_by_link_makes_a_family_and_enrols_them(client, school, parent, course):
    response = client.post(f"/join/{school.join_code}/")
    assert response["Location"] == "/learning/"
    membership = Membership.objects.get(user=parent)
    assert (membership.school, membership.role, membership.cohort) == (school, "family", None)
    assert Enrollment.objects.filter(user=parent, course=course).exists()


def test_joining_twice_changes_nothing(client, school, parent):
    client.post(f"/join/{school.join_code}/")
    client.post(f"/join/{school.join_code}/")
    assert Membership.objects.filter(user=parent).count() == 1
    assert "already part of" in client.get(f"/join/{school.join_code}/").content.decode()


def test_a_cohorts_link_puts_the_family_in_that_cohort(client, school, parent):
    cohort = school.cohorts.get()
    client.post(f"/join/{cohort.join_code}/")
    assert Membership.objects.get(user=parent).cohort == cohort


def test_typing_the_code_leads_to_the_consent_screen(client, school, parent):
    typed = f" {school.join_code[:4].lower()}-{school.join_code[4:].lower()} "
    response = client.get("/join/", {"code": typed})
    assert response["Location"] == f"/join/{school.join_code}/"


def test_a_code_with_impossible_characters_gets_a_message_next_to_the_field(client, parent):
    response = client.get("/join/", {"code": "O0O0!"})
    assert response.status_code == 200
    assert "error-message" in response.content.decode()


def test_the_join_form_page_is_open_to_everyone(client):
    assert client.get("/join/").status_code == 200
    assert client.post("/join/").status_code == 405


def test_unknown_code_gets_a_friendly_page(client, parent):
    response = client.get("/join/ZZZZ2222/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that school code" in html
    assert 'action="/join/"' in html
    assert client.post("/join/ZZZZ2222/").status_code == 404
    assert not Membership.objects.families().exists()


def test_visitor_is_sent_to_sign_up_and_back(client, school):
    response = client.get(f"/join/{school.join_code}/")
    assert response["Location"] == f"/signup/?next=%2Fjoin%2F{school.join_code}%2F"
    assert client.post(f"/join/{school.join_code}/").status_code == 302
    assert not Membership.objects.families().exists()


def test_join_refuses_put(client, school, parent):
    assert client.put(f"/join/{school.join_code}/").status_code == 405


def test_an_unconfirmed_address_must_be_confirmed_before_joining(client, school):
    client.force_login(make_user(email="new@example.nz"))
    html = client.get(f"/join/{school.join_code}/").content.decode()
    assert "First, confirm your email address" in html
    assert "What the school will see" in html
    response = client.post(f"/join/{school.join_code}/")
    assert response.status_code == 400
    assert "First, confirm your email address" in response.content.decode()
    assert not Membership.objects.families().exists()


def confirmation_link(message) -> str:
    """The path of the confirm-your-address link in an email allauth sent."""
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_a_new_parent_signs_up_from_the_join_link_confirms_and_comes_back_to_join(
    client, school, django_capture_on_commit_callbacks
):
    join = f"/join/{school.join_code}/"
    signup = client.get(client.get(join)["Location"])["Location"]
    assert signup == f"/accounts/signup/?next=%2Fjoin%2F{school.join_code}%2F"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(signup, {"email": "kiri@example.nz", "display_name": "Kiri", "password1": PASSWORD})
    assert not Membership.objects.families().exists()
    link = confirmation_link(sent_mail()[-1])
    assert client.post(link)["Location"] == join
    assert client.post(join)["Location"] == "/learning/"
    assert Membership.objects.families().get().user.email == "kiri@example.nz"


def test_asking_for_the_link_again_sends_it_and_confirming_lets_the_parent_join(
    client, school, django_capture_on_commit_callbacks
):
    """An account whose address is not confirmed yet can have the link sent again from the consent page."""
    client.force_login(make_user(email="again@example.nz"))
    join = f"/join/{school.join_code}/"
    assert 'href="/accounts/email/"' in client.get(join).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/email/", {"email": "again@example.nz", "action_send": ""})
    assert sent_mail()[-1].to == ["again@example.nz"]
    client.post(confirmation_link(sent_mail()[-1]))
    assert client.post(join)["Location"] == "/learning/"
    assert Membership.objects.families().get().user.email == "again@example.nz"
