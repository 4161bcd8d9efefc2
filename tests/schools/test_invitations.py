"""Inviting families by email: check first, then send; tokens are single-use, expire and can be revoked."""

import datetime
import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from core.models import Email, EmailStatus
from schools import services
from schools.models import Invitation, Membership
from tests.factories import log_in_two_factor, make_school, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

PASTED = "hine@example.nz, Hine Walker, Year 7 2027\nnot-an-email\nsam@example.nz\nHINE@example.nz\n"


@pytest.fixture
def coord_client(client, coordinator):
    log_in_two_factor(client, coordinator)
    return client


def invite_link(message) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)


def send(client, school, text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/schools/{school.slug}/invite/", {"text": text, "confirm": "send"})


def test_pasted_list_shows_invalid_and_duplicate_rows_before_sending(coord_client, school):
    response = coord_client.post(f"/schools/{school.slug}/invite/", {"rows": PASTED})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 row needs fixing" in html
    assert "not-an-email" in html
    assert "This is not an email address." in html
    assert "1 duplicate will be left out" in html
    assert "already on the list" in html
    assert "Send 2 invitations" in html
    assert not Invitation.objects.exists()
    assert not sent_mail()


def test_confirming_queues_one_email_per_valid_row_for_the_worker(coord_client, school):
    response = coord_client.post(f"/schools/{school.slug}/invite/", {"text": PASTED, "confirm": "send"})
    assert not mail.outbox  # the page answers without speaking to the mail server
    assert sorted(Email.objects.filter(status=EmailStatus.QUEUED).values_list("to", flat=True)) == [
        "hine@example.nz",
        "sam@example.nz",
    ]
    assert response["Location"] == f"/schools/{school.slug}/invitations/"
    assert sorted(message.to[0] for message in sent_mail()) == ["hine@example.nz", "sam@example.nz"]
    hine = Invitation.objects.get(email="hine@example.nz")
    assert hine.cohort.name == "Year 7 2027"
    assert hine.name == "Hine Walker"
    assert hine.expires_at - timezone.now() > datetime.timedelta(days=13)
    message = next(m for m in sent_mail() if m.to == ["hine@example.nz"])
    assert message.alternatives[0].mimetype == "text/html"
    link = invite_link(message)
    # Only a hash is stored: once sent, the secret in the link is nowhere in the database.
    secret = link.split("-", 1)[1].rstrip("/")
    assert secret not in hine.token_hash
    assert not [email for email in Email.objects.all() if secret in str(email.context) + email.text + email.html]


def test_csv_upload_with_header_is_checked_the_same_way(coord_client, school):
    upload = io.BytesIO(b"email,name,cohort\nana@example.nz,Ana,\n=bad,Evil,\n")
    upload.name = "families.csv"
    html = coord_client.post(f"/schools/{school.slug}/invite/", {"upload": upload}).content.decode()
    assert "1 row needs fixing" in html
    assert "Send 1 invitation" in html


def test_a_binary_upload_gets_a_message_next_to_the_field(coord_client, school):
    upload = io.BytesIO(b"\xff\xfe\x00\x81")
    upload.name = "families.csv"
    html = coord_client.post(f"/schools/{school.slug}/invite/", {"upload": upload}).content.decode()
    assert "CSV UTF-8" in html


def test_an_empty_list_is_refused_with_a_message(coord_client, school):
    html = coord_client.post(f"/schools/{school.slug}/invite/", {"rows": " "}).content.decode()
    assert "Add at least one email address" in html


def test_families_already_joined_or_invited_count_as_duplicates(school):
    Membership.objects.create(school=school, user=make_user(email="joined@example.nz"))
    Invitation.objects.create(school=school, email="waiting@example.nz", token_hash="x")
    check = services.check_invitations(school=school, text="joined@example.nz\nWAITING@example.nz\nnew@example.nz")
    assert [row.email for row in check.duplicates] == ["joined@example.nz", "WAITING@example.nz"]
    assert [row.email for row in check.valid] == ["new@example.nz"]


class TestAccepting:
    @pytest.fixture
    def link(self, coord_client, school, django_capture_on_commit_callbacks):
        send(coord_client, school, "hine@example.nz, Hine, Year 7 2027", django_capture_on_commit_callbacks)
        coord_client.logout()
        return invite_link(sent_mail()[-1])

    @pytest.fixture
    def parent(self, client):
        user = make_user(email="hine@example.nz")
        client.force_login(user)
        return user

    def test_accepting_shows_consent_then_joins_the_cohort(self, client, link, parent, school):
        assert "What the school will see" in client.get(link).content.decode()
        assert client.post(link)["Location"] == "/learning/"
        membership = Membership.objects.get(user=parent)
        assert membership.cohort.name == "Year 7 2027"
        assert Invitation.objects.get().accepted_by == parent

    def test_accepting_an_invitation_to_your_own_address_confirms_it(self, client, link, parent):
        assert not parent.email_verified
        client.post(link)
        parent.refresh_from_db()
        assert parent.email_verified
        assert Membership.objects.filter(user=parent).exists()

    def test_someone_else_must_confirm_their_own_address_first(self, client, link):
        other = make_user(email="other@example.nz")
        client.force_login(other)
        assert "First, confirm your email address" in client.get(link).content.decode()
        assert client.post(link).status_code == 400
        assert not Membership.objects.families().exists()
        assert Invitation.objects.get().accepted_at is None
        EmailAddress.objects.filter(user=other).update(verified=True)
        assert client.post(link)["Location"] == "/learning/"

    def test_visitor_is_sent_to_sign_up_and_back(self, client, link):
        assert client.get(link)["Location"].startswith("/signup/?next=%2Finvitations%2F")

    def assert_refused(self, client, link, words):
        for response in (client.get(link), client.post(link)):
            assert response.status_code == 404
            html = response.content.decode()
            assert "This invitation cannot be used" in html
            assert words in html
            assert "What you can do" in html
        assert not Membership.objects.families().exists()

    def test_reused_invitation_is_refused(self, client, link, parent):
        client.post(link)
        Membership.objects.families().delete()
        self.assert_refused(client, link, "already been used")

    def test_expired_invitation_is_refused(self, client, link, parent):
        Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        self.assert_refused(client, link, "has expired")

    def test_revoked_invitation_is_refused(self, client, link, parent, school, coordinator):
        invitation = Invitation.objects.get()
        log_in_two_factor(client, coordinator)
        client.post(f"/schools/{school.slug}/invitations/{invitation.pk}/revoke/")
        client.force_login(parent)
        self.assert_refused(client, link, "withdrawn")

    def test_tampered_invitation_is_refused(self, client, link, parent):
        tampered = link[:-3] + ("A" if link[-2] != "A" else "B") + "/"
        self.assert_refused(client, tampered, "do not recognise")
        self.assert_refused(client, "/invitations/nonsense/", "do not recognise")

    def test_invitation_for_another_school_is_refused(self, client, link, parent, school):
        other = make_school()
        secret = link.split("-", 1)[1]
        self.assert_refused(client, f"/invitations/{other.join_code}-{secret}", "do not recognise")

    def test_resend_gives_a_new_link_and_the_old_one_stops_working(
        self, client, link, parent, school, coordinator, django_capture_on_commit_callbacks
    ):
        invitation = Invitation.objects.get()
        log_in_two_factor(client, coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/schools/{school.slug}/invitations/{invitation.pk}/resend/")
        new_link = invite_link(sent_mail()[-1])
        assert new_link != link
        client.force_login(parent)
        assert client.get(link).status_code == 404
        assert client.post(new_link).status_code == 302

    def test_invitation_page_refuses_put(self, client, link, parent):
        assert client.put(link).status_code == 405


def test_invitations_page_lists_them(coord_client, school):
    Invitation.objects.create(school=school, email="waiting@example.nz", token_hash="x")
    html = coord_client.get(f"/schools/{school.slug}/invitations/").content.decode()
    assert "waiting@example.nz" in html
    assert "Withdraw" in html
