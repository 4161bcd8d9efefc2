"""A parent's data is theirs: sign-up without enumeration, verification, changes, export, deletion, retention."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from courses import quizzes
from courses.models import Certificate, LessonCompletion, QuizAttempt
from tests.factories import PASSWORD, make_course, make_user

pytestmark = pytest.mark.django_db

XSS_NAME = '"><svg onload=alert(1)>'


def sign_up(client, email, capture):
    with capture(execute=True):
        return client.post("/signup/", {"email": email, "display_name": "Rua", "password": PASSWORD}, follow=True)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


class TestSignupWithoutEnumeration:
    def test_known_and_unknown_addresses_get_the_same_answer(self, client, django_capture_on_commit_callbacks):
        make_course(slug="safe", modules=1)
        make_user(email="taken@example.nz")
        new = sign_up(Client(), "new@example.nz", django_capture_on_commit_callbacks)
        taken = sign_up(Client(), "taken@example.nz", django_capture_on_commit_callbacks)
        assert new.redirect_chain == taken.redirect_chain
        assert "Check your email" in new.content.decode()
        assert "Check your email" in taken.content.decode()
        assert "already" not in taken.content.decode()
        assert User.objects.filter(email__iexact="taken@example.nz").count() == 1

    def test_only_the_owner_is_told_by_email(self, client, django_capture_on_commit_callbacks):
        make_user(email="taken@example.nz")
        sign_up(client, "TAKEN@example.nz", django_capture_on_commit_callbacks)
        assert [message.to for message in mail.outbox] == [["taken@example.nz"]]  # the address as kept
        assert "already has one" in mail.outbox[0].body

    def test_password_reset_answers_the_same_for_known_and_unknown(self, client):
        make_user(email="known@example.nz")
        known = client.post("/accounts/password_reset/", {"email": "known@example.nz"})
        unknown = client.post("/accounts/password_reset/", {"email": "unknown@example.nz"})
        assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
        assert [message.to for message in mail.outbox] == [["known@example.nz"]]


class TestVerification:
    def test_the_link_confirms_only_after_a_button_press(self, client, django_capture_on_commit_callbacks):
        sign_up(client, "hone@example.nz", django_capture_on_commit_callbacks)
        link = link_in(mail.outbox[0])
        assert client.get(link).status_code == 200
        user = User.objects.get(email="hone@example.nz")
        assert not user.email_verified
        client.post(link)
        user.refresh_from_db()
        assert user.email_verified

    def test_a_tampered_link_is_refused_kindly(self, client):
        response = client.post("/accounts/email/verify/not-a-real-token/")
        assert response.status_code == 400
        assert "expired or has already been used" in response.content.decode()


class TestChanges:
    def test_change_email_needs_the_password_and_the_new_address_confirmed(
        self, client, django_capture_on_commit_callbacks
    ):
        user = make_user(email="old@example.nz")
        client.force_login(user)
        response = client.post("/accounts/email/", {"new_email": "new@example.nz", "password": "wrong"})
        assert "That is not your current password" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/email/", {"new_email": "new@example.nz", "password": PASSWORD})
        assert mail.outbox[-1].to == ["new@example.nz"]
        user.refresh_from_db()
        assert user.email == "old@example.nz"
        client.post(link_in(mail.outbox[-1]))
        user.refresh_from_db()
        assert user.email == "new@example.nz"
        assert user.email_verified

    def test_display_name_changes_and_is_escaped_wherever_it_shows(self, client):
        user = make_user()
        client.force_login(user)
        client.post("/accounts/profile/", {"display_name": XSS_NAME})
        user.refresh_from_db()
        assert user.display_name == XSS_NAME
        course = make_course(slug="safe", modules=1)
        Certificate.objects.create(user=user, course=course, code="AAAA-BBBB-CCCC", name=user.display_name)
        for url in ["/accounts/profile/", "/learning/certificates/safe/", "/certificates/AAAA-BBBB-CCCC/"]:
            html = client.get(url).content.decode()
            assert "<svg onload" not in html, url

    def test_password_change_ends_the_other_sessions(self):
        user = make_user()
        here, elsewhere = Client(), Client()
        here.login(username=user.email, password=PASSWORD)
        elsewhere.login(username=user.email, password=PASSWORD)
        new = "a different long passphrase"
        here.post(
            "/accounts/password_change/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        assert here.get("/accounts/profile/").status_code == 200
        assert elsewhere.get("/accounts/profile/").status_code == 302

    def test_session_key_changes_at_log_in_and_an_old_cookie_is_logged_out(self, client):
        user = make_user()
        client.get("/")
        client.session["probe"] = 1
        before = client.session.session_key
        client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
        after = client.session.session_key
        assert after != before
        client.post("/accounts/logout/")
        stale = Client()
        stale.cookies["sessionid"] = after
        assert stale.get("/accounts/profile/").status_code == 302


class TestMyData:
    def make_history(self, user):
        course = make_course(slug="safe", modules=1)
        lesson = course.modules.get().lessons.first()
        LessonCompletion.objects.create(user=user, lesson=lesson)
        QuizAttempt.objects.create(
            user=user, quiz=course.modules.get().quiz, token=f"t{user.pk}", correct_count=1, question_count=2,
            score=50, passed=False,
        )  # fmt: skip
        Certificate.objects.create(user=user, course=course, code=f"CODE-{user.pk}", name=user.display_name)
        return course

    def test_download_holds_every_row_of_mine_and_nothing_of_anyone_elses(self, client):
        me, other = make_user(email="me@example.nz"), make_user(email="other@example.nz", display_name="Other")
        self.make_history(me)
        LessonCompletion.objects.create(user=other, lesson=LessonCompletion.objects.get().lesson)
        client.force_login(me)
        response = client.get("/accounts/my-data/")
        assert response["Content-Disposition"].startswith("attachment;")
        data = json.loads(response.content)
        assert data["account"]["email"] == "me@example.nz"
        assert len(data["completed_lessons"]) == 1
        assert len(data["quiz_attempts"]) == 1
        assert len(data["certificates"]) == 1
        assert len(data["enrolments"]) == 0
        assert "other@example.nz" not in response.content.decode()

    def test_download_holds_each_answer_as_it_was_given(self, client):
        me = make_user()
        quiz = make_course(modules=1, questions=2).modules.get().quiz
        shown = quizzes.prepare(quiz)
        (first, first_choices), (second, second_choices) = shown.questions
        right = next(choice for choice in first_choices if choice.is_correct)
        wrong = next(choice for choice in second_choices if not choice.is_correct)
        quizzes.record_attempt(user=me, quiz=quiz, shown=shown, picked={first.pk: {right.pk}, second.pk: {wrong.pk}})
        client.force_login(me)
        (attempt,) = json.loads(client.get("/accounts/my-data/").content)["quiz_attempts"]
        assert attempt["answers"] == [
            {"question": first.text, "chosen": [right.text], "right": True},
            {"question": second.text, "chosen": [wrong.text], "right": False},
        ]
        assert attempt["score"] == 50

    def test_deleting_needs_the_password_and_leaves_no_trace(self, client):
        me = make_user(email="gone@example.nz", display_name="Wiremu Unique")
        self.make_history(me)
        client.force_login(me)
        response = client.post("/accounts/delete/", {"password": "wrong", "confirm": "on"})
        assert User.objects.filter(pk=me.pk).exists()
        assert "That is not your current password" in response.content.decode()
        client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
        assert not User.objects.filter(pk=me.pk).exists()
        assert QuizAttempt.objects.get().user is None
        out = io.StringIO()
        call_command("dumpdata", stdout=out)
        dump = out.getvalue()
        assert "gone@example.nz" not in dump
        assert "Wiremu Unique" not in dump
        assert client.get("/accounts/profile/").status_code == 302


class TestRetention:
    def test_unconfirmed_accounts_go_after_the_retention_period(self):
        old = make_user(email="old@example.nz")
        User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=31))
        confirmed = make_user(email="kept@example.nz")
        User.objects.filter(pk=confirmed.pk).update(
            date_joined=timezone.now() - timedelta(days=90), email_verified_at=timezone.now()
        )
        recent = make_user(email="recent@example.nz")
        out = io.StringIO()
        call_command("purge_expired_data", stdout=out)
        assert "1 unverified accounts" in out.getvalue()
        assert set(User.objects.values_list("email", flat=True)) == {confirmed.email, recent.email}
        call_command("purge_expired_data", stdout=out)
        assert User.objects.count() == 2


@pytest.mark.parametrize("url", ["/accounts/profile/", "/accounts/email/", "/accounts/delete/", "/accounts/my-data/"])
def test_account_pages_need_log_in(client, url):
    assert client.get(url)["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", ["/accounts/email/verify/", "/accounts/delete/", "/accounts/profile/"])
def test_account_changes_refuse_put(client, url):
    client.force_login(make_user())
    assert client.put(url).status_code == 405


def test_privacy_page_is_public_and_says_schools_never_see_answers(client):
    html = client.get("/privacy/").content.decode()
    assert "never see your quiz answers" in html
    assert "30 days" in html
