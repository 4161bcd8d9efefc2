import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from tests.factories import PASSWORD, log_in_two_factor, make_staff, make_user

pytestmark = pytest.mark.django_db


def test_email_is_the_login_whatever_its_case():
    user = make_user(email="Mere.Smith@Example.NZ")
    assert authenticate(email="mere.smith@example.nz", password=PASSWORD) == user
    assert authenticate(email="MERE.SMITH@EXAMPLE.NZ", password=PASSWORD) == user


def test_two_accounts_cannot_share_an_address_in_different_case():
    make_user(email="whanau@example.nz")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="WHANAU@example.nz", password=PASSWORD)


def test_validation_names_the_duplicate_address():
    make_user(email="whanau@example.nz")
    duplicate = User(email="Whanau@Example.nz")
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.validate_constraints()


def test_domain_is_normalised_on_create():
    assert make_user(email="kai@EXAMPLE.NZ").email == "kai@example.nz"


def test_short_name_falls_back_to_the_address():
    assert make_user(display_name="").get_short_name().startswith("parent")
    assert make_user(display_name="Tama").get_short_name() == "Tama"


def test_admin_lists_and_searches_users(client):
    make_user(email="findme@example.nz")
    log_in_two_factor(client, make_staff())
    response = client.get("/admin/accounts/user/", {"q": "findme"})
    assert response.status_code == 200
    assert "findme@example.nz" in response.content.decode()


def test_admin_adds_a_user_with_email_and_password(client):
    log_in_two_factor(client, make_staff())
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.nz",
            "display_name": "New",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="new@example.nz").check_password(PASSWORD)


def test_login_page_links_to_password_reset(client):
    response = client.get("/accounts/login/")
    assert 'href="/accounts/password/reset/"' in response.content.decode()


def test_login_form_shows_an_error_summary_tied_to_the_form(client):
    response = client.post("/accounts/login/", {"login": "nobody@example.nz", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert 'role="alert"' in html


def test_form_field_errors_are_tied_to_their_input(client):
    response = client.post("/accounts/password/reset/", {"email": "not-an-email"})
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<a href="#id_email">' in html
