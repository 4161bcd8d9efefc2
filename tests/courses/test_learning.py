"""A parent learns: sign up, read, complete lessons, take quizzes, finish, get a certificate."""

import datetime
import re

import pytest

from core import memo
from courses import actions, progress
from courses.models import Certificate, Enrollment, LessonCompletion, Quiz, QuizAttempt
from tests.factories import PASSWORD, make_course, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course(slug="safe", modules=2, lessons=2, questions=2)


@pytest.fixture
def parent(client):
    user = make_user()
    client.force_login(user)
    return user


def lesson_url(course, module=1, lesson=1):
    return f"/courses/{course.slug}/module-{module}/lesson-{lesson}/"


def quiz_url(course, module=1):
    return f"/courses/{course.slug}/module-{module}/quiz/"


def quiz_form(client, course, module=1):
    """The quiz page's token and, per question field, the right and a wrong choice id."""
    html = client.get(quiz_url(course, module)).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    quiz = Quiz.objects.get(module__course=course, module__slug=f"module-{module}")
    answers = {}
    for question in quiz.questions.all():
        right = question.choices.get(is_correct=True).pk
        wrong = question.choices.filter(is_correct=False).first().pk
        answers[f"question_{question.pk}"] = (str(right), str(wrong))
    return token, answers


def submit(client, course, token, answers, *, right=True, module=1):
    data = {"token": token, **{name: pair[0 if right else 1] for name, pair in answers.items()}}
    return client.post(quiz_url(course, module), data)


def confirmation_link(message) -> str:
    """The path of the confirm-your-address link in an email allauth sent."""
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def sign_up(client, capture, *, email="hine@example.nz", password=PASSWORD, next_url=None):
    """Fill in allauth's sign-up form as a new parent would (the confirmation email is sent on commit)."""
    url = "/accounts/signup/" + (f"?next={next_url}" if next_url else "")
    with capture(execute=True):
        return client.post(url, {"email": email, "display_name": "Hine", "password1": password})


def log_in(client, email, password=PASSWORD):
    """allauth's log-in form, by email address."""
    return client.post("/accounts/login/", {"login": email, "password": password})


def confirm(client, message):
    """Open the emailed link and press its button, which confirms the address and logs the account in."""
    link = confirmation_link(message)
    assert client.get(link).status_code == 200  # a mail scanner following the link confirms nothing
    return client.post(link)


class TestSignup:
    def test_signup_enrols_and_confirming_the_address_logs_in(self, client, course, django_capture_on_commit_callbacks):
        response = sign_up(client, django_capture_on_commit_callbacks, email="Hine@Example.nz")
        assert response["Location"] == "/accounts/confirm-email/"
        enrollment = Enrollment.objects.get()
        assert (enrollment.user.email, enrollment.user.display_name) == ("hine@example.nz", "Hine")
        assert enrollment.course == course
        assert "_auth_user_id" not in client.session  # not logged in until the address is confirmed
        (message,) = sent_mail()
        assert message.to == ["hine@example.nz"]
        assert confirm(client, message)["Location"] == "/learning/"
        assert int(client.session["_auth_user_id"]) == enrollment.user.pk
        assert enrollment.user.email_verified
        assert course.get_absolute_url() in client.get("/learning/").content.decode()

    def test_weak_password_is_refused_with_a_message_and_the_answers_kept(
        self, client, course, django_capture_on_commit_callbacks
    ):
        response = sign_up(client, django_capture_on_commit_callbacks, password="password")
        html = response.content.decode()
        assert response.status_code == 200
        assert "error-summary" in html
        assert 'value="hine@example.nz"' in html
        assert not Enrollment.objects.exists()
        assert not sent_mail()

    def test_signup_refuses_a_foreign_next(self, client, course, django_capture_on_commit_callbacks):
        sign_up(client, django_capture_on_commit_callbacks, next_url="https://evil.example/")
        assert confirm(client, sent_mail()[-1])["Location"] == "/learning/"

    def test_the_courses_sign_up_link_leads_to_the_form_keeping_where_to_go_next(self, client):
        response = client.get("/signup/", {"next": "/courses/safe/module-1/quiz/"})
        assert response["Location"] == "/accounts/signup/?next=%2Fcourses%2Fsafe%2Fmodule-1%2Fquiz%2F"

    def test_signup_page_refuses_put(self, client):
        assert client.put("/signup/").status_code == 405


class TestGuests:
    def test_guest_reads_every_lesson_of_the_first_module(self, client, course):
        for n in (1, 2):
            assert client.get(lesson_url(course, 1, n)).status_code == 200

    def test_guest_is_sent_to_sign_up_for_later_modules(self, client, course):
        response = client.get(lesson_url(course, 2, 1))
        assert response.status_code == 302
        assert response["Location"].startswith("/signup/?next=")

    def test_guest_completions_are_kept_in_the_session(self, client, course):
        response = client.post(lesson_url(course, 1, 1) + "complete/")
        assert response["Location"] == lesson_url(course, 1, 2)
        assert not LessonCompletion.objects.exists()
        assert "1 of 2 lessons" in client.get(course.get_absolute_url()).content.decode()

    def test_guest_at_the_end_of_a_module_is_offered_an_account_for_the_quiz(self, client, course):
        response = client.post(lesson_url(course, 1, 2) + "complete/")
        assert response["Location"] == "/signup/?next=" + quiz_url(course)

    def test_guest_progress_is_carried_into_a_new_account_without_duplicates(
        self, client, course, django_capture_on_commit_callbacks
    ):
        client.post(lesson_url(course, 1, 1) + "complete/")
        client.post(lesson_url(course, 1, 1) + "complete/")
        sign_up(client, django_capture_on_commit_callbacks, email="new@example.nz")
        # Confirming the address in the same browser logs the account in, which carries the lessons over.
        confirm(client, sent_mail()[-1])
        completion = LessonCompletion.objects.get()
        assert (completion.user.email, completion.lesson.slug) == ("new@example.nz", "lesson-1")
        assert Enrollment.objects.get().user == completion.user

    def test_guest_progress_is_carried_into_an_existing_account_at_log_in(self, client, course):
        user = make_user(email="back@example.nz", verified=True)
        client.post(lesson_url(course, 1, 1) + "complete/")
        client.post(lesson_url(course, 1, 2) + "complete/")
        assert log_in(client, "back@example.nz")["Location"] == "/learning/"
        client.get(course.get_absolute_url())
        assert set(LessonCompletion.objects.filter(user=user).values_list("lesson__slug", flat=True)) == {
            "lesson-1",
            "lesson-2",
        }

    def test_lessons_carried_in_at_log_in_show_on_that_very_page(self, client, course):
        user = make_user(email="back@example.nz", verified=True)
        client.force_login(user)
        assert "0 of 2 lessons" in client.get(course.get_absolute_url()).content.decode()  # now cached
        client.logout()
        client.post(lesson_url(course, 1, 1) + "complete/")
        assert log_in(client, "back@example.nz")["Location"] == "/learning/"
        assert "1 of 2 lessons" in client.get(course.get_absolute_url()).content.decode()


class TestLessons:
    def test_lesson_page_says_where_the_parent_is(self, client, parent, course):
        html = client.get(lesson_url(course, 2, 1)).content.decode()
        assert "Lesson 1 of 2 · Module 2 of 2" in html
        assert "Mark as complete and continue" in html
        assert "Key points" in html
        assert 'rel="prev"' in html
        assert 'rel="next"' in html

    def test_mark_complete_is_idempotent(self, client, parent, course):
        for _ in range(3):
            client.post(lesson_url(course, 1, 1) + "complete/")
        assert LessonCompletion.objects.filter(user=parent).count() == 1
        assert Enrollment.objects.filter(user=parent, course=course).count() == 1

    def test_completing_the_last_lesson_leads_to_the_quiz(self, client, parent, course):
        response = client.post(lesson_url(course, 1, 2) + "complete/")
        assert response["Location"] == quiz_url(course)

    def test_completing_by_get_is_refused(self, client, parent, course):
        assert client.get(lesson_url(course, 1, 1) + "complete/").status_code == 405
        assert not LessonCompletion.objects.exists()

    def test_unknown_or_other_course_lesson_is_404(self, client, parent, course):
        other = make_course(slug="other", modules=1)
        assert client.get(f"/courses/{other.slug}/module-1/lesson-9/").status_code == 404
        assert client.get(f"/courses/{course.slug}/module-1/lesson-9/").status_code == 404
        assert client.post(f"/courses/{other.slug}/module-3/lesson-1/complete/").status_code == 404


class TestOutline:
    def test_outline_shows_status_percentage_and_continue(self, client, parent, course):
        client.post(lesson_url(course, 1, 1) + "complete/")
        html = client.get(course.get_absolute_url()).content.decode()
        assert "In progress" in html
        assert "Not started" in html
        # 6 steps (4 lessons and 2 quizzes); 1 done.
        assert "17% done" in html
        assert f'href="{lesson_url(course, 1, 2)}">Continue' in html

    def test_home_and_learning_offer_continue_where_you_left_off(self, client, parent, course):
        client.post(lesson_url(course, 1, 1) + "complete/")
        for page in ("/", "/learning/"):
            html = client.get(page).content.decode()
            assert "Continue where you left off" in html
            assert lesson_url(course, 1, 2) in html


class TestModulePage:
    def test_a_module_says_when_its_facts_were_checked_and_against_what(self, client, parent, course):
        module = course.modules.get(slug="module-1")
        module.last_reviewed = datetime.date(2026, 12, 3)
        module.sources = (
            "Netsafe: advice for parents (2025). https://netsafe.org.nz/parents\n"
            "NZ Police: advice (2024), on police.govt.nz."
        )
        module.save()
        html = client.get(module.get_absolute_url()).content.decode()
        assert "Facts last checked 3 December 2026." in html
        assert "Where these facts come from" in html
        assert (
            '<li>Netsafe: advice for parents (2025). <a href="https://netsafe.org.nz/parents">'
            "https://netsafe.org.nz/parents</a></li>"
        ) in html
        # A bare name of a site is text, not a link guessed from it.
        assert "<li>NZ Police: advice (2024), on police.govt.nz.</li>" in html

    def test_a_module_without_sources_has_no_empty_list(self, client, parent, course):
        html = client.get(course.modules.get(slug="module-1").get_absolute_url()).content.decode()
        assert "Where these facts come from" not in html


class TestQuiz:
    def test_quiz_needs_an_account(self, client, course):
        assert client.get(quiz_url(course))["Location"].startswith("/accounts/login/")

    def test_unanswered_questions_are_named_and_answers_kept(self, client, parent, course):
        token, answers = quiz_form(client, course)
        first, second = list(answers)
        response = client.post(quiz_url(course), {"token": token, first: answers[first][0]})
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html
        assert f'href="#div_id_{second}"' in html
        assert "Choose an answer" in html
        assert re.search(rf'value="{answers[first][0]}"[^>]*checked', html)
        assert not QuizAttempt.objects.exists()

    def test_failing_then_retaking_and_passing(self, client, parent, course):
        token, answers = quiz_form(client, course)
        response = submit(client, course, token, answers, right=False)
        failed = QuizAttempt.objects.get()
        assert response["Location"] == f"{quiz_url(course)}results/{failed.token}/"
        html = client.get(response["Location"]).content.decode()
        assert "Not quite yet" in html
        assert "No, because." in html
        assert "You scored 0%" in html

        token, answers = quiz_form(client, course)
        submit(client, course, token, answers, right=True)
        assert QuizAttempt.objects.count() == 2
        failed.refresh_from_db()
        assert (failed.score, failed.passed) == (0, False)
        passed = QuizAttempt.objects.exclude(pk=failed.pk).get()
        assert (passed.score, passed.passed) == (100, True)
        html = client.get(quiz_url(course)).content.decode()
        assert "Your latest attempts" in html
        assert "100%" in html
        assert "0%" in html

    def test_the_quiz_page_lists_only_the_latest_attempts(self, client, parent, course):
        quiz = course.modules.first().quiz
        for n in range(8):
            QuizAttempt.objects.create(user=parent, quiz=quiz, token=f"old-{n}", correct_count=0, question_count=2,
                                       score=n, passed=False)  # fmt: skip
        html = client.get(quiz_url(course)).content.decode()
        assert html.count("not passed yet") == 5
        assert "old-7" in html
        assert "old-2" not in html

    def test_an_attempt_saved_or_deleted_anywhere_shows_on_the_next_quiz_page(self, client, parent, course):
        quiz = course.modules.first().quiz
        assert "Your latest attempts" not in client.get(quiz_url(course)).content.decode()
        attempt = QuizAttempt.objects.create(user=parent, quiz=quiz, token="from-the-shell", correct_count=1,
                                             question_count=2, score=50, passed=False)  # fmt: skip
        assert "from-the-shell" in client.get(quiz_url(course)).content.decode()
        attempt.delete()
        assert "Your latest attempts" not in client.get(quiz_url(course)).content.decode()

    def test_a_warm_quiz_page_reads_only_the_session(self, client, parent, course, django_assert_num_queries):
        token, answers = quiz_form(client, course)
        submit(client, course, token, answers, right=False)
        client.get(quiz_url(course))
        with django_assert_num_queries(1):  # the session: with Redis, sessions are read from the cache too
            html = client.get(quiz_url(course)).content.decode()
        assert "0% — not passed yet" in html

    def test_a_double_submit_records_one_attempt(self, client, parent, course):
        token, answers = quiz_form(client, course)
        first = submit(client, course, token, answers)
        second = submit(client, course, token, answers, right=False)
        assert QuizAttempt.objects.count() == 1
        assert first["Location"] == second["Location"]
        assert QuizAttempt.objects.get().passed

    def test_two_tabs_each_keep_their_attempt(self, client, parent, course):
        first_token, answers = quiz_form(client, course)
        second_token, _answers = quiz_form(client, course)
        submit(client, course, second_token, answers, right=False)
        submit(client, course, first_token, answers, right=True)
        assert sorted(QuizAttempt.objects.values_list("score", flat=True)) == [0, 100]

    def test_refreshing_the_result_changes_nothing(self, client, parent, course):
        token, answers = quiz_form(client, course)
        location = submit(client, course, token, answers)["Location"]
        for _ in range(2):
            assert client.get(location).status_code == 200
        assert QuizAttempt.objects.count() == 1

    def test_a_tampered_token_keeps_the_answers_and_asks_again(self, client, parent, course):
        token, answers = quiz_form(client, course)
        name = next(iter(answers))
        response = client.post(quiz_url(course), {"token": token[:-3] + "abc", name: answers[name][0]})
        html = response.content.decode()
        assert "had expired" in html
        assert re.search(rf'value="{answers[name][0]}"[^>]*checked', html)
        assert not QuizAttempt.objects.exists()

    def test_another_parents_token_is_refused(self, client, parent, course):
        token, answers = quiz_form(client, course)
        client.force_login(make_user())
        submit(client, course, token, answers)
        assert not QuizAttempt.objects.exists()

    def test_questions_changed_while_answering_keeps_the_answers(self, client, parent, course):
        token, answers = quiz_form(client, course)
        quiz = Quiz.objects.get(module__course=course, module__slug="module-1")
        quiz.questions.order_by("position").last().delete()
        response = submit(client, course, token, answers)
        html = response.content.decode()
        assert response.status_code == 200
        assert "The questions changed" in html
        kept = next(iter(answers))
        assert re.search(rf'value="{answers[kept][0]}"[^>]*checked', html)
        assert not QuizAttempt.objects.exists()

    def test_questions_added_while_answering_are_scored_as_shown(self, client, parent, course):
        from tests.factories import make_question

        token, answers = quiz_form(client, course)
        quiz = Quiz.objects.get(module__course=course, module__slug="module-1")
        make_question(quiz=quiz, position=9, slug="late")
        submit(client, course, token, answers)
        attempt = QuizAttempt.objects.get()
        assert (attempt.question_count, attempt.score) == (2, 100)

    def test_someone_elses_result_is_404(self, client, parent, course):
        token, answers = quiz_form(client, course)
        location = submit(client, course, token, answers)["Location"]
        client.force_login(make_user())
        assert client.get(location).status_code == 404

    def test_quiz_order_is_shuffled_when_the_author_asks(self, client, parent):
        course = make_course(slug="many", modules=1, questions=8)
        orders = {
            tuple(re.findall(r'name="(question_\d+)"', client.get(quiz_url(course)).content.decode())) for _ in range(6)
        }
        assert len(orders) > 1
        quiz = Quiz.objects.get()
        quiz.shuffle = False
        quiz.save()
        orders = {
            tuple(re.findall(r'name="(question_\d+)"', client.get(quiz_url(course)).content.decode())) for _ in range(3)
        }
        assert len(orders) == 1


class TestCompletion:
    def finish(self, client, course):
        for module in (1, 2):
            for lesson in (1, 2):
                client.post(lesson_url(course, module, lesson) + "complete/")
            token, answers = quiz_form(client, course, module)
            submit(client, course, token, answers, module=module)

    def test_finishing_every_module_issues_one_certificate(self, client, parent, course):
        self.finish(client, course)
        certificate = Certificate.objects.get()
        assert certificate.user == parent
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", certificate.code)
        assert actions.issue_certificate(user=parent, course=course) == certificate
        html = client.get(f"/learning/certificates/{course.slug}/").content.decode()
        assert parent.display_name in html
        assert certificate.code in html

    def test_no_certificate_until_every_quiz_is_passed(self, client, parent, course):
        for lesson in (1, 2):
            client.post(lesson_url(course, 1, lesson) + "complete/")
        token, answers = quiz_form(client, course, 1)
        submit(client, course, token, answers)
        assert not Certificate.objects.exists()
        assert client.get(f"/learning/certificates/{course.slug}/").status_code == 404

    def test_reading_the_last_lesson_after_every_quiz_issues_the_certificate(self, client, parent, course):
        for module in (1, 2):
            token, answers = quiz_form(client, course, module)
            submit(client, course, token, answers, module=module)
        for module, lesson in [(1, 1), (1, 2), (2, 1)]:
            client.post(lesson_url(course, module, lesson) + "complete/")
        assert not Certificate.objects.exists()
        client.post(lesson_url(course, 2, 2) + "complete/")
        assert Certificate.objects.get().user == parent

    def test_a_finished_learner_without_a_certificate_gets_one_on_asking(self, client, parent, course):
        from courses.models import Lesson

        for lesson in Lesson.objects.filter(module__course=course):
            LessonCompletion.objects.create(user=parent, lesson=lesson)
        for quiz in Quiz.objects.filter(module__course=course):
            QuizAttempt.objects.create(user=parent, quiz=quiz, token=f"t{quiz.pk}", correct_count=2,
                                       question_count=2, score=100, passed=True)  # fmt: skip
        offer = client.get(f"/learning/certificates/{course.slug}/")
        assert offer.status_code == 200
        assert "Get my certificate" in offer.content.decode()
        assert not Certificate.objects.exists(), "a GET never writes"
        response = client.post(f"/learning/certificates/{course.slug}/", follow=True)
        assert Certificate.objects.get().code in response.content.decode()
        client.post(f"/learning/certificates/{course.slug}/")
        assert Certificate.objects.count() == 1

    def test_an_unfinished_learner_cannot_ask_for_a_certificate(self, client, parent, course):
        assert client.post(f"/learning/certificates/{course.slug}/").status_code == 404
        assert not Certificate.objects.exists()

    def test_verification_is_public_and_shows_only_the_certificate(self, client, parent, course):
        self.finish(client, course)
        certificate = Certificate.objects.get()
        client.logout()
        response = client.get(f"/certificates/{certificate.code}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert certificate.name in html
        assert course.title in html
        assert parent.email not in html
        assert "%" not in html.split("<main", 1)[1]

    def test_unknown_certificate_code_is_404(self, client):
        assert client.get("/certificates/AAAA-BBBB-CCCC/").status_code == 404


@pytest.mark.parametrize("modules", [1, 12])
def test_learner_pages_query_count_is_flat(client, django_assert_max_num_queries, modules):
    course = make_course(slug="big", modules=modules, lessons=3, questions=4)
    user = make_user()
    client.force_login(user)
    client.post(lesson_url(course, 1, 1) + "complete/")
    token, answers = quiz_form(client, course)
    result = submit(client, course, token, answers)["Location"]
    for url in [course.get_absolute_url(), lesson_url(course, 1, 2), quiz_url(course), result, "/learning/", "/"]:
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("modules", [1, 12])
def test_quiz_submission_query_count_is_flat(client, django_assert_max_num_queries, modules):
    course = make_course(slug="big", modules=modules, lessons=2, questions=6)
    client.force_login(make_user())
    token, answers = quiz_form(client, course)
    # Scoring, the attempt and its answers, the enrolment (made here, on a first submit), the certificate
    # check, and which schools' dashboards the attempt changes.
    with django_assert_max_num_queries(23):
        assert submit(client, course, token, answers).status_code == 302


class TestCachedOutline:
    """Parents' outlines come from a cache that any change to the course's content refreshes."""

    def test_a_lesson_published_in_the_admin_appears_at_once(self, client, course):
        from courses import publishing
        from courses.models import Lesson, Status

        assert "Lesson 2" in client.get(course.get_absolute_url()).content.decode()
        lesson = Lesson.objects.get(module__slug="module-1", slug="lesson-2")
        publishing.unpublish(Lesson.objects.filter(pk=lesson.pk))
        assert client.get(course.get_absolute_url()).content.decode().count("Lesson 2") == 1
        lesson.refresh_from_db()
        publishing.publish([lesson])
        assert lesson.status == Status.PUBLISHED
        assert client.get(course.get_absolute_url()).content.decode().count("Lesson 2") == 2

    def test_an_admin_edit_refreshes_the_outline(self, client, course):
        from tests.factories import log_in_two_factor, make_staff

        staff_client = type(client)()
        log_in_two_factor(staff_client, make_staff())
        assert "Lesson 1" in client.get(course.get_absolute_url()).content.decode()
        module = course.modules.get(slug="module-1")
        lesson = module.lessons.get(slug="lesson-1")
        response = staff_client.post(
            f"/admin/courses/lesson/{lesson.pk}/change/",
            {"module": module.pk, "title": "Renamed lesson", "slug": lesson.slug, "position": 1, "minutes": 3,
             "body": "Text", "key_points": "", "try_saying": "", "today": ""},
        )  # fmt: skip
        assert response.status_code == 302
        assert "Renamed lesson" in client.get(course.get_absolute_url()).content.decode()

    def test_an_admin_edit_of_a_lessons_text_shows_to_parents_at_once(self, client, course):
        from tests.factories import log_in_two_factor, make_staff

        staff_client = type(client)()
        log_in_two_factor(staff_client, make_staff())
        module = course.modules.get(slug="module-1")
        lesson = module.lessons.get(slug="lesson-1")
        url = f"/courses/{course.slug}/module-1/lesson-1/"
        assert "Fresh words for parents" not in client.get(url).content.decode()
        response = staff_client.post(
            f"/admin/courses/lesson/{lesson.pk}/change/",
            {"module": module.pk, "title": lesson.title, "slug": lesson.slug, "position": 1, "minutes": 3,
             "body": "Fresh words for parents.", "key_points": "A new key point", "try_saying": "", "today": ""},
        )  # fmt: skip
        assert response.status_code == 302
        page = client.get(url).content.decode()
        assert "Fresh words for parents." in page
        assert "A new key point" in page

    def test_an_unpublished_course_is_gone_at_once(self, client, course):
        from courses import publishing
        from courses.models import Course

        assert client.get(lesson_url(course)).status_code == 200
        publishing.unpublish(Course.objects.filter(pk=course.pk))
        assert client.get(course.get_absolute_url()).status_code == 404
        assert client.get(lesson_url(course)).status_code == 404

    def test_a_renamed_course_shows_its_new_title_at_once(self, client, course):
        client.get(course.get_absolute_url())
        course.title = "A renamed course"
        course.save()
        assert "A renamed course" in client.get(course.get_absolute_url()).content.decode()


class TestCachedProgress:
    """A learner's progress is read from the cache on their pages, and every change shows at once."""

    def test_a_warm_lesson_page_reads_only_the_user(self, client, parent, course, django_assert_max_num_queries):
        client.get(lesson_url(course, 1, 2))
        # The session (from the cache when REDIS_URL is set) and the user; the course and progress are cached.
        with django_assert_max_num_queries(2):
            assert client.get(lesson_url(course, 1, 2)).status_code == 200

    def test_a_guest_lesson_page_needs_no_query_once_warm(self, client, course, django_assert_num_queries):
        client.get(lesson_url(course))
        with django_assert_num_queries(0):
            assert client.get(lesson_url(course)).status_code == 200

    def test_progress_made_on_another_device_shows_at_once(self, client, parent, course):
        phone = type(client)()
        phone.force_login(parent)
        assert "You have completed this lesson" not in client.get(lesson_url(course)).content.decode()
        phone.post(lesson_url(course) + "complete/")
        assert "You have completed this lesson" in client.get(lesson_url(course)).content.decode()
        assert "quiz passed" not in client.get(course.get_absolute_url()).content.decode()
        phone.post(lesson_url(course, 1, 2) + "complete/")
        token, answers = quiz_form(phone, course)
        submit(phone, course, token, answers)
        outline = client.get(course.get_absolute_url()).content.decode()
        assert "quiz passed" in outline
        assert 'class="tag tag-done">Done' in outline

    def test_a_removed_completion_shows_at_once(self, client, parent, course):
        client.post(lesson_url(course) + "complete/")
        assert "You have completed this lesson" in client.get(lesson_url(course)).content.decode()
        LessonCompletion.objects.filter(user=parent).delete()
        assert "You have completed this lesson" not in client.get(lesson_url(course)).content.decode()

    def test_enrolling_shows_on_the_outline_at_once(self, client, parent, course):
        assert progress.learner_state(parent, course).enrolled is False
        client.post(f"{course.get_absolute_url()}enrol/")
        assert progress.learner_state(parent, course).enrolled is True

    def test_one_learners_progress_is_not_anothers(self, client, parent, course):
        client.post(lesson_url(course) + "complete/")
        other = make_user()
        assert progress.learner_state(other, course).done == frozenset()
        assert progress.learner_state(parent, course).done

    def test_only_a_first_pass_of_a_quiz_changes_the_learners_progress(self, client, parent, course):
        from core import versions

        def version():
            return versions.current(progress.learner_version_key(parent.pk))[0]

        client.post(f"{course.get_absolute_url()}enrol/")
        token, answers = quiz_form(client, course)
        progress.learner_state(parent, course)
        before = version()
        submit(client, course, token, answers, right=False)
        assert version() == before  # a failed attempt: nothing the learner's pages show changed
        token, answers = quiz_form(client, course)
        submit(client, course, token, answers)
        first_pass = version()
        assert first_pass != before
        progress.learner_state(parent, course)
        token, answers = quiz_form(client, course)
        submit(client, course, token, answers)
        assert version() == first_pass  # passed again: still nothing new
        assert progress.learner_state(parent, course).passed == {course.modules.get(slug="module-1").pk}


def test_activity_is_noted_at_most_once_a_minute(course, django_assert_num_queries):
    parent = make_user()
    actions.touch(user=parent, course=course)
    first = Enrollment.objects.get(user=parent).last_activity_at
    with django_assert_num_queries(0):
        actions.touch(user=parent, course=course)
    assert Enrollment.objects.get(user=parent).last_activity_at == first


def test_progress_is_built_once_while_nothing_changes(course):
    parent = make_user()
    first = progress.course_progress(course, user=parent)
    assert progress.course_progress(course, user=parent) is first
    lesson = first.modules[0].lessons[0]
    actions.complete_lesson(user=parent, lesson=lesson)
    after = progress.course_progress(course, user=parent)
    assert after is not first
    assert lesson.pk in after.modules[0].done_lessons
    assert progress.course_progress(course, user=make_user()).steps_done == 0


def test_my_learning_shows_each_change_at_once(client, parent, course):
    """My learning is kept in the shared cache: enrolling, a certificate, a new title and new activity show
    on the next visit."""
    client.force_login(parent)
    assert course.title not in client.get("/learning/").content.decode()
    actions.enrol(user=parent, course=course)
    assert course.title in client.get("/learning/").content.decode()
    course.title = "Keeping tamariki safe online"
    course.save()
    assert "Keeping tamariki safe online" in client.get("/learning/").content.decode()
    Enrollment.objects.filter(user=parent).update(last_activity_at=None)
    memo.forget_all()  # as another server would: it has not noted this learner yet
    actions.touch(user=parent, course=course)
    assert "last active" in client.get("/learning/").content.decode()
    Certificate.objects.create(user=parent, course=course, code="ABCD-EFGH-JKMN", name="Aroha")
    assert "Your certificate" in client.get("/learning/").content.decode()
