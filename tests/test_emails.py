"""Every email is a task: queued with the work it reports, sent by a worker, retried for a day, never sent twice."""

import datetime
import smtplib
import time

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.services import delete_account
from core import mail as outbox
from core.models import Email, EmailStatus
from core.tasks import deliver_email, tidy_queue
from schools.models import Invitation
from tests.factories import log_in_two_factor, make_school, make_staff, make_user
from tests.mail import run_queued_tasks, sent_mail

pytestmark = pytest.mark.django_db

DECLINED = "schools/email/request_declined"


def queue_one(to: str = "parent@example.nz") -> Email:
    return outbox.send_templated_email(to=to, template=DECLINED, context={"request": {"school_name": "Kōwhai School"}})


@pytest.fixture
def server_down(monkeypatch):
    """The mail server fails every send (refuses the connection, or `error`) until `server_down.up()`."""

    class Switch:
        error: Exception = ConnectionRefusedError(111, "Connection refused")

        def up(self):
            monkeypatch.undo()

    switch = Switch()

    def refuse(backend, messages):
        raise switch.error

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    return switch


def test_an_email_is_queued_then_sent_by_the_worker_and_its_body_forgotten():
    email = queue_one()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 0)
    assert not mail.outbox  # the request never waits for the mail server
    (message,) = sent_mail()
    assert message.to == ["parent@example.nz"]
    assert "Kōwhai School" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.extra_headers["Message-ID"] == outbox.message_id(email)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.subject) == (
        EmailStatus.SENT,
        1,
        "About your request for Kōwhai School",
    )
    assert email.sent_at is not None
    assert (email.context, email.text, email.html) == ({}, "", "")


def test_nothing_is_queued_when_the_work_it_reports_rolls_back():
    def work_that_fails():
        with transaction.atomic():
            queue_one()
            raise RuntimeError("the request failed after asking for the email")

    with pytest.raises(RuntimeError):
        work_that_fails()
    assert not Email.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not sent_mail()


def test_a_context_that_is_not_json_is_refused_where_it_is_asked_for():
    with pytest.raises(TypeError):
        outbox.send_templated_email(to="a@example.nz", template=DECLINED, context={"when": timezone.now()})
    assert not Email.objects.exists()


def test_a_failed_send_is_recorded_and_tried_again_later_with_backoff(server_down):
    email = queue_one()
    run_queued_tasks()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert "Connection refused" in email.last_error
    assert datetime.timedelta(seconds=60) <= email.next_attempt_at - email.attempted_at < datetime.timedelta(seconds=61)
    # The next try waits for its time: running the worker now sends nothing.
    assert run_queued_tasks() == 0
    assert not DBTaskResult.objects.ready().exists()
    assert DBTaskResult.objects.filter(status="READY").get().run_after == email.next_attempt_at
    # Later tries wait twice as long each time, up to an hour.
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 30)] == [60, 120, 240, 3600, 3600, 3600]


def next_try_comes_due() -> None:
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_tries_go_on_for_a_day_then_the_email_shows_as_failed(server_down):
    email = queue_one()
    run_queued_tasks()
    assert Email.objects.get().status == EmailStatus.QUEUED
    Email.objects.update(queued_at=timezone.now() - datetime.timedelta(hours=23, minutes=59))
    next_try_comes_due()
    run_queued_tasks()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 2)  # still within the day: tried again later
    Email.objects.update(queued_at=timezone.now() - datetime.timedelta(hours=24, minutes=1))
    next_try_comes_due()
    run_queued_tasks()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 3)
    assert "Connection refused" in email.last_error
    assert email.next_attempt_at is None
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_an_address_the_mail_server_refuses_for_good_is_not_tried_again(server_down):
    server_down.error = smtplib.SMTPRecipientsRefused({"nobody@example.nz": (550, b"No such user")})
    queue_one("nobody@example.nz")
    run_queued_tasks()
    email = Email.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert "No such user" in email.last_error


def test_a_second_delivery_of_the_same_email_sends_nothing():
    email = queue_one()
    deliver_email.enqueue(email.pk)  # the task run twice, as after a worker died and its task was run again
    assert len(sent_mail()) == 1
    assert Email.objects.get().attempts == 1


def test_an_email_a_worker_died_sending_is_never_sent_again_by_itself():
    """Claimed, then the worker died mid-conversation: it may have arrived, so nobody sends it again blindly."""
    email = queue_one()
    Email.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING, attempts=1, attempted_at=timezone.now())
    assert not sent_mail()  # its task runs and finds it claimed
    tidy_queue.call("2026-12-03T10")
    assert Email.objects.get().status == EmailStatus.SENDING  # a send may take a little while
    Email.objects.update(attempted_at=timezone.now() - datetime.timedelta(minutes=16))
    tidy_queue.call("2026-12-03T11")
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "may have been sent" in email.last_error
    assert not sent_mail()


def test_a_task_whose_worker_died_before_claiming_the_email_is_run_again_an_hour_later():
    """The worker took the task, then was killed before it claimed the email: nothing was sent, so it is sent."""
    queue_one()
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    assert not sent_mail()  # the task is "running", and nobody else takes it
    tidy_queue.call("2026-12-03T10")
    assert not sent_mail()  # a task may run for a while
    DBTaskResult.objects.update(started_at=timezone.now() - datetime.timedelta(minutes=61))
    assert tidy_queue.call("2026-12-03T11")["stalled tasks enqueued again"] == 1
    assert len(sent_mail()) == 1
    stalled = DBTaskResult.objects.get(status="FAILED")
    assert "WorkerStopped" in stalled.exception_class_path
    assert tidy_queue.call("2026-12-03T12")["stalled tasks enqueued again"] == 0
    assert len(sent_mail()) == 1


def test_a_digest_style_key_queues_an_email_once():
    first = outbox.send_templated_email(to="a@example.nz", template=DECLINED, context={}, key="digest:1:2026-W49")
    second = outbox.send_templated_email(to="a@example.nz", template=DECLINED, context={}, key="digest:1:2026-W49")
    assert first is not None
    assert second is None
    assert len(sent_mail()) == 1


def test_tidying_forgets_sent_emails_and_finished_tasks_after_the_retention_time(settings):
    queue_one("old@example.nz")
    queue_one("new@example.nz")
    run_queued_tasks()
    long_ago = timezone.now() - datetime.timedelta(days=settings.TASK_RETENTION_DAYS + 1)
    Email.objects.filter(to="old@example.nz").update(sent_at=long_ago)
    DBTaskResult.objects.filter(args_kwargs__args=[Email.objects.get(to="old@example.nz").pk]).update(
        finished_at=long_ago
    )
    result = tidy_queue.call("2026-12-03T10")
    assert result["sent emails deleted"] == 1
    assert result["finished tasks deleted"] == 1
    assert list(Email.objects.values_list("to", flat=True)) == ["new@example.nz"]


class TestAdmin:
    def test_site_admins_see_each_emails_state_but_not_what_it_says(self, client, server_down):
        queue_one("waiting@example.nz")
        run_queued_tasks()
        log_in_two_factor(client, make_staff())
        listing = client.get("/admin/core/email/").content.decode()
        assert "waiting@example.nz" in listing
        assert "Waiting to be sent" in listing
        assert "Connection refused" in listing
        page = client.get(f"/admin/core/email/{Email.objects.get().pk}/change/").content.decode()
        assert "Kōwhai School" not in page  # the body (which may hold a sign-in link) is never shown

    def test_an_admin_sends_a_failed_email_again(self, client, server_down):
        server_down.error = smtplib.SMTPDataError(554, b"Rejected for now")
        queue_one("failed@example.nz")
        queue_one("fine@example.nz")
        run_queued_tasks()
        assert set(Email.objects.values_list("status", flat=True)) == {EmailStatus.FAILED}
        server_down.up()
        failed = Email.objects.get(to="failed@example.nz")
        log_in_two_factor(client, make_staff())
        response = client.post(
            "/admin/core/email/", {"action": "send_again", "_selected_action": [failed.pk]}, follow=True
        )
        assert "1 email queued again." in response.content.decode()
        assert [message.to for message in sent_mail()] == [["failed@example.nz"]]
        failed.refresh_from_db()
        assert (failed.status, failed.attempts) == (EmailStatus.SENT, 2)

    def test_staff_who_are_not_site_admins_do_not_see_emails(self, client):
        queue_one()
        author = make_user(email="author@example.nz", verified=True, is_staff=True)
        log_in_two_factor(client, author)
        assert client.get("/admin/core/email/").status_code == 403


def test_two_hundred_invitations_queued_while_the_mail_server_is_down_each_arrive_once(client, smtp_server, settings):
    """The must-show: the server is down, the tries fail and are recorded, it comes up, each email arrives once."""
    settings.MAILERS = smtp_server.mailer_settings()
    settings.EMAIL_RETRY_FIRST_DELAY = 1
    coordinator = make_user(email="office@school.nz", verified=True)
    school = make_school(coordinators=[coordinator])
    log_in_two_factor(client, coordinator)
    rows = "\n".join(f"family{n}@example.nz, Family {n}" for n in range(200))
    response = client.post(f"/schools/{school.slug}/invite/", {"text": rows, "confirm": "send"})
    assert response.status_code == 302
    assert Invitation.objects.count() == 200

    run_queued_tasks()  # nothing listens: every try fails
    assert not smtp_server.messages
    assert Email.objects.filter(status=EmailStatus.QUEUED, attempts__gte=1).count() == 200
    assert all("Connection refused" in error for error in Email.objects.values_list("last_error", flat=True))

    smtp_server.start()
    deadline = time.monotonic() + 60
    while Email.objects.exclude(status=EmailStatus.SENT).exists() and time.monotonic() < deadline:
        time.sleep(0.5)  # the next tries come due
        run_queued_tasks()
    assert Email.objects.filter(status=EmailStatus.SENT).count() == 200
    delivered = [message["X-Envelope-To"] for message in smtp_server.messages]
    assert sorted(delivered) == sorted(f"family{n}@example.nz" for n in range(200))
    assert len({message["Message-ID"] for message in smtp_server.messages}) == 200
    assert "invites you to Safe Online Families" in smtp_server.messages[0]["Subject"]


def test_a_parent_downloads_which_emails_were_sent_to_them_and_deleting_the_account_forgets_them(client):
    parent = make_user(email="aroha@example.nz", verified=True)
    queue_one("aroha@example.nz")
    queue_one("someone@example.nz")
    run_queued_tasks()
    client.force_login(parent)
    (email,) = client.get("/accounts/my-data/").json()["emails"]
    assert (email["email"], email["status"]) == (DECLINED, "sent")
    assert "Kōwhai" not in str(email)
    parent_id = parent.pk
    delete_account(parent)
    assert not User.objects.filter(pk=parent_id).exists()
    assert list(Email.objects.values_list("to", flat=True)) == ["someone@example.nz"]
