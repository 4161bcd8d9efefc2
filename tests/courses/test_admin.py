"""The authoring admin: the Authors group, publishing, preview and question statistics."""

import pytest
from django.contrib.auth.models import Group

from courses.models import Lesson, Module, QuizAttempt, Status
from courses.statistics import quiz_statistics
from tests.factories import log_in_two_factor, make_author, make_course, make_module, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return make_author(email="author@example.nz")


@pytest.fixture
def author_client(client, author):
    log_in_two_factor(client, author)
    return client


@pytest.mark.parametrize(
    "url",
    ["/admin/courses/course/", "/admin/courses/module/", "/admin/courses/lesson/", "/admin/courses/quiz/",
     "/admin/courses/question/", "/admin/courses/appguide/", "/admin/courses/course/add/"],
)  # fmt: skip
def test_authors_can_open_content(author_client, url):
    assert author_client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/admin/accounts/user/", "/admin/auth/group/", "/admin/accounts/user/add/"])
def test_authors_cannot_open_users_or_groups(author_client, url):
    assert author_client.get(url).status_code == 403


def test_authors_group_holds_only_content_permissions():
    codenames = set(Group.objects.get(name="Authors").permissions.values_list("content_type__model", flat=True))
    assert codenames == {"course", "module", "lesson", "quiz", "question", "choice", "appguide"}


def test_admin_index_shows_authors_no_learner_data(author_client):
    html = author_client.get("/admin/").content.decode()
    assert "Lessons" in html
    assert "Users" not in html
    assert "attempt" not in html.lower()
    assert "completion" not in html.lower()


def test_publish_action_refuses_a_broken_module_and_names_the_problem(author_client):
    course = make_course(modules=0)
    module = make_module(course=course, slug="broken", lessons=1, questions=0)
    response = author_client.post(
        "/admin/courses/module/",
        {"action": "publish_selected", "_selected_action": [module.pk]},
        follow=True,
    )
    assert "has no questions" in response.content.decode()
    module.refresh_from_db()
    assert module.status == Status.DRAFT


def test_publish_action_publishes_a_complete_module(author_client):
    module = make_module(course=make_course(modules=0), slug="ok", lessons=1, questions=1)
    author_client.post("/admin/courses/module/", {"action": "publish_selected", "_selected_action": [module.pk]})
    module.refresh_from_db()
    assert module.status == Status.PUBLISHED


def test_status_cannot_be_set_by_editing_the_form(author_client):
    lesson = make_course(modules=1, status="draft").modules.get().lessons.first()
    Lesson.objects.filter(pk=lesson.pk).update(status=Status.DRAFT)
    author_client.post(
        f"/admin/courses/lesson/{lesson.pk}/change/",
        {"module": lesson.module_id, "title": "T", "slug": lesson.slug, "position": 1, "minutes": 3,
         "body": "Text", "status": "published"},
    )  # fmt: skip
    lesson.refresh_from_db()
    assert lesson.status == Status.DRAFT


def test_save_and_publish_button_renders_markdown_and_publishes(author_client):
    lesson = make_course(modules=1).modules.get().lessons.first()
    Lesson.objects.filter(pk=lesson.pk).update(status=Status.DRAFT)
    response = author_client.post(
        f"/admin/courses/lesson/{lesson.pk}/change/",
        {"module": lesson.module_id, "title": "New title", "slug": lesson.slug, "position": 1, "minutes": 3,
         "body": "Now **bold**.", "key_points": "", "try_saying": "", "today": "", "_publish": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == Status.PUBLISHED
    assert "<strong>bold</strong>" in lesson.body_html


def test_image_without_alt_text_is_an_error_on_the_form(author_client):
    lesson = make_course(modules=1).modules.get().lessons.first()
    response = author_client.post(
        f"/admin/courses/lesson/{lesson.pk}/change/",
        {"module": lesson.module_id, "title": "T", "slug": lesson.slug, "position": 1, "minutes": 3,
         "body": "![](/static/img/x.png)"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Every image needs alt text" in response.content.decode()


def test_change_form_offers_preview_as_learner(author_client):
    lesson = make_course(modules=1).modules.get().lessons.first()
    html = author_client.get(f"/admin/courses/lesson/{lesson.pk}/change/").content.decode()
    assert "Preview as learner" in html
    assert lesson.get_absolute_url() in html


class TestPreview:
    @pytest.fixture
    def draft_lesson(self):
        course = make_course(modules=1)
        lesson = course.modules.get().lessons.first()
        Lesson.objects.filter(pk=lesson.pk).update(status=Status.DRAFT)
        return lesson

    def test_drafts_are_404_to_visitors_and_parents(self, client, draft_lesson):
        assert client.get(draft_lesson.get_absolute_url()).status_code == 404
        client.force_login(make_user())
        assert client.get(draft_lesson.get_absolute_url()).status_code == 404

    def test_staff_preview_drafts_with_a_banner(self, author_client, draft_lesson):
        response = author_client.get(draft_lesson.get_absolute_url())
        assert response.status_code == 200
        assert "Draft preview" in response.content.decode()

    def test_published_lessons_have_no_banner(self, client):
        lesson = make_course(modules=1).modules.get().lessons.first()
        response = client.get(lesson.get_absolute_url())
        assert response.status_code == 200
        assert "Draft preview" not in response.content.decode()

    def test_draft_module_hides_its_published_lessons(self, client):
        course = make_course(modules=1)
        lesson = course.modules.get().lessons.first()
        Module.objects.update(status=Status.DRAFT)
        assert client.get(lesson.get_absolute_url()).status_code == 404
        assert client.get(course.get_absolute_url()).status_code == 200


def _answer(quiz, question_slug, choice_texts, number):
    """An attempt that answered one question of the quiz with these choices."""
    question = quiz.questions.get(slug=question_slug)
    choices = list(question.choices.filter(text__in=choice_texts))
    right = [c.is_correct for c in choices] == [True]
    QuizAttempt.objects.create(
        quiz=quiz,
        token=f"t-{question_slug}-{number}",
        correct_count=int(right),
        question_count=1,
        score=100 * right,
        passed=right,
        answers=[{"question": question.pk, "picked": [c.pk for c in choices], "right": right}],
    )


def test_statistics_count_answers_and_picks():
    quiz = make_course(modules=1, questions=2).modules.get().quiz
    for n, picked in enumerate([["Right"], ["Right"], ["Wrong"]]):
        _answer(quiz, "question-1", picked, n)
    stats = {item.question.slug: item for item in quiz_statistics(quiz)}

    first = stats["question-1"]
    assert (first.answers, first.correct, first.share_correct) == (3, 2, 67)
    assert [(c.choice.text, c.picks, c.share) for c in first.choices] == [("Right", 2, 67), ("Wrong", 1, 33)]
    second = stats["question-2"]
    assert (second.answers, second.share_correct) == (0, None)


@pytest.mark.parametrize("attempts", [1, 40])
def test_statistics_page_query_count_is_flat(client, django_assert_max_num_queries, attempts):
    quiz = make_course(modules=1, questions=3).modules.get().quiz
    for n in range(attempts):
        _answer(quiz, "question-1", ["Wrong"], n)
    log_in_two_factor(client, make_staff())
    # 8, and 2 for the session's first admin page: whether the staff member has a second factor, noted in
    # the session.
    with django_assert_max_num_queries(10):
        response = client.get(f"/admin/courses/quiz/{quiz.pk}/statistics/")
    assert response.status_code == 200
    assert f"{attempts} answer" in response.content.decode()


def test_statistics_keep_a_retired_question_and_say_it_is_no_longer_asked(client):
    quiz = make_course(modules=1, questions=2).modules.get().quiz
    _answer(quiz, "question-1", ["Wrong"], 1)
    quiz.questions.filter(slug="question-1").update(retired=True)
    log_in_two_factor(client, make_staff())
    html = client.get(f"/admin/courses/quiz/{quiz.pk}/statistics/").content.decode()
    assert "1. Question 1? (retired: no longer asked)</h2>" in html
    assert "2. Question 2?</h2>" in html


def test_statistics_page_needs_admin_access(client):
    quiz = make_course(modules=1).modules.get().quiz
    client.force_login(make_user())
    assert client.get(f"/admin/courses/quiz/{quiz.pk}/statistics/").status_code == 302
