"""A family's school memberships, invitations and plan are in "Download my data", and go with the account."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from core.mail import send_templated_email
from core.models import Email
from courses import plans
from schools.models import Invitation, Membership
from tests.factories import PASSWORD, log_in_two_factor, make_school, make_user
from tests.mail import run_queued_tasks

pytestmark = pytest.mark.django_db


def delete_my_account(client):
    """Enter the password again (deleting needs a fresh sign-in), then tick the box and delete."""
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/accounts/delete/", {"confirm": "on"})


@pytest.fixture
def family(client, school, course):
    """A parent in a school's cohort, invited by name, with a family plan."""
    parent = make_user(email="Rangi@Example.nz", display_name="Rangi Unique", verified=True)
    cohort = school.cohorts.get()
    Membership.objects.create(school=school, user=parent, cohort=cohort)
    Invitation.objects.create(
        school=school, email="rangi@example.nz", name="Rangi Invited", token_hash="h1", accepted_at=timezone.now(),
        accepted_by=parent,
    )  # fmt: skip
    plans.save_trusted_adults(user=parent, course=course, names=["Nana Unique-Adult"])
    client.force_login(parent)
    return parent


def test_download_lists_my_schools_invitations_and_plan_and_nothing_of_anyone_elses(client, school, family):
    someone = make_user(email="someone@example.nz")
    Membership.objects.create(school=school, user=someone)
    Invitation.objects.create(school=school, email="someone@example.nz", name="Someone Else", token_hash="h2")
    data = json.loads(client.get("/accounts/my-data/").content)
    assert data["schools"] == [
        {
            "school": "Kōwhai School",
            "role": "family",
            "group": "Year 7 2027",
            "joined_at": Membership.objects.get(user=family).joined_at.isoformat(),
            "last_reminded_at": None,
            "reminders_stopped": False,
            "weekly_digest_stopped": False,
        }
    ]
    assert [(item["name"], item["state"]) for item in data["school_invitations"]] == [("Rangi Invited", "accepted")]
    assert data["family_plans"][0]["trusted_adults"] == ["Nana Unique-Adult"]
    assert data["emails"] == []  # nothing was ever sent to them
    assert "someone@example.nz" not in json.dumps(data)
    assert "Someone Else" not in json.dumps(data)


def test_after_deletion_the_school_sees_nothing_and_the_database_holds_no_trace(client, school, family, coordinator):
    Invitation.objects.create(school=make_school(), email="RANGI@example.nz", name="Rangi Again", token_hash="h3")
    send_templated_email(to="rangi@example.nz", template="schools/email/request_declined", context={})
    run_queued_tasks()  # the record of an email sent to their address stays a while, but not past the account
    assert Email.objects.filter(to="rangi@example.nz").exists()
    delete_my_account(client)
    assert not User.objects.filter(pk=family.pk).exists()
    log_in_two_factor(client, coordinator)
    assert "Rangi" not in client.get(f"/schools/{school.slug}/").content.decode()
    assert "Rangi" not in b"".join(client.get(f"/schools/{school.slug}/export.csv").streaming_content).decode()
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue().lower()
    for trace in ("rangi@example.nz", "rangi unique", "rangi invited", "rangi again", "nana unique-adult"):
        assert trace not in dump, trace


def test_retention_removes_unused_invitations_a_month_after_they_lapse(school, settings):
    settings.INVITATION_RETENTION_DAYS = 30
    long_ago = timezone.now() - datetime.timedelta(days=31)
    lately = timezone.now() - datetime.timedelta(days=2)
    Invitation.objects.create(school=school, email="old@example.nz", token_hash="a", expires_at=long_ago)
    Invitation.objects.create(
        school=school, email="withdrawn@example.nz", token_hash="b", revoked_at=long_ago, expires_at=lately
    )
    Invitation.objects.create(school=school, email="lapsed@example.nz", token_hash="c", expires_at=lately)
    Invitation.objects.create(school=school, email="pending@example.nz", token_hash="d")
    Invitation.objects.create(
        school=school, email="used@example.nz", token_hash="e", expires_at=long_ago, accepted_at=long_ago
    )
    out = io.StringIO()
    call_command("purge_expired_data", stdout=out)
    assert "2 unused invitations" in out.getvalue()
    remaining = set(Invitation.objects.values_list("email", flat=True))
    assert remaining == {"lapsed@example.nz", "pending@example.nz", "used@example.nz"}
    call_command("purge_expired_data", stdout=out)
    assert Invitation.objects.count() == 3


def test_an_unconfirmed_account_neither_reads_nor_deletes_invitations_sent_to_its_address(client, school):
    """Anyone can sign up with an address they do not own: until they confirm it, what a school sent to
    that address is not theirs."""
    squatter = make_user(email="whanau@example.nz", verified=False)
    Invitation.objects.create(school=school, email="whanau@example.nz", name="Whānau Invited", token_hash="h9")
    client.force_login(squatter)
    data = json.loads(client.get("/accounts/my-data/").content)
    assert data["school_invitations"] == []
    delete_my_account(client)
    assert not User.objects.filter(pk=squatter.pk).exists()
    assert Invitation.objects.filter(email="whanau@example.nz").exists()
