"""A parent's data is theirs: confirming the address, changes, export, deletion, retention.

(Sign-up and reset that reveal nobody's account: tests/security/test_enumeration.py.)
"""

import io
import json
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from courses import quizzes
from courses.models import Certificate, LessonCompletion, QuizAttempt
from tests.factories import PASSWORD, make_course, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

XSS_NAME = '"><svg onload=alert(1)>'


def sign_up(client, email, capture):
    with capture(execute=True):
        data = {"email": email, "display_name": "Rua", "password1": PASSWORD}
        return client.post("/accounts/signup/", data, follow=True)


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


class TestVerification:
    def test_the_link_confirms_only_after_a_button_press_and_logs_in(self, client, django_capture_on_commit_callbacks):
        course = make_course(slug="safe", modules=1)
        sign_up(client, "hone@example.nz", django_capture_on_commit_callbacks)
        user = User.objects.get(email="hone@example.nz")
        assert "_auth_user_id" not in client.session  # not before the address is confirmed
        assert user.enrollments.filter(course=course).exists()
        link = link_in(sent_mail()[0])
        assert client.get(link).status_code == 200
        assert not user.email_verified
        client.post(link)
        assert user.email_verified
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_lessons_read_as_a_guest_are_kept_once_the_address_is_confirmed(
        self, client, django_capture_on_commit_callbacks
    ):
        course = make_course(slug="safe", modules=1)
        lesson = course.modules.get().lessons.first()
        client.post(f"{lesson.get_absolute_url()}complete/")
        sign_up(client, "hone@example.nz", django_capture_on_commit_callbacks)
        client.post(link_in(sent_mail()[0]))
        assert LessonCompletion.objects.filter(user__email="hone@example.nz", lesson=lesson).exists()

    def test_a_wrong_link_is_refused_kindly(self, client):
        response = client.get("/accounts/confirm-email/not-a-real-key/")
        assert response.status_code == 200
        assert "expired or is invalid" in response.content.decode()
        client.post("/accounts/confirm-email/not-a-real-key/")
        assert not EmailAddress.objects.filter(verified=True).exists()


class TestChanges:
    def test_a_new_address_takes_over_once_it_is_confirmed(self, client, django_capture_on_commit_callbacks):
        user = make_user(email="old@example.nz", verified=True)
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/email/", {"action_add": "", "email": "New@Example.nz"})
        assert sent_mail()[-1].to == ["new@example.nz"]
        user.refresh_from_db()
        assert user.email == "old@example.nz"
        client.post(link_in(sent_mail()[-1]))
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
        user = make_user(verified=True)
        here, elsewhere = Client(), Client()
        for client in (here, elsewhere):
            client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        new = "a different long passphrase"
        here.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new})
        assert here.get("/accounts/profile/").status_code == 200
        assert elsewhere.get("/accounts/profile/").status_code == 302

    def test_session_key_changes_at_log_in_and_an_old_cookie_is_logged_out(self, client):
        user = make_user(verified=True)
        client.get("/")
        client.session["probe"] = 1
        before = client.session.session_key
        client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
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

    def test_deleting_needs_the_password_again_and_leaves_no_trace(self, client):
        me = make_user(email="gone@example.nz", display_name="Wiremu Unique", verified=True)
        self.make_history(me)
        client.post("/accounts/login/", {"login": me.email, "password": PASSWORD})
        response = client.post("/accounts/delete/", {"confirm": "on"})
        assert response["Location"].startswith("/accounts/reauthenticate/")
        client.post("/accounts/reauthenticate/", {"password": "wrong"})
        client.post("/accounts/delete/", {"confirm": "on"})
        assert User.objects.filter(pk=me.pk).exists()
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        client.post("/accounts/delete/", {"confirm": "on"})
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
        confirmed = make_user(email="kept@example.nz", verified=True)
        User.objects.filter(pk=confirmed.pk).update(date_joined=timezone.now() - timedelta(days=90))
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


@pytest.mark.parametrize("url", ["/accounts/delete/", "/accounts/profile/"])
def test_account_changes_refuse_put(client, url):
    client.force_login(make_user())
    assert client.put(url).status_code == 405


def test_privacy_page_is_public_and_says_schools_never_see_answers(client):
    html = client.get("/privacy/").content.decode()
    assert "never see your quiz answers" in html
    assert "30 days" in html
