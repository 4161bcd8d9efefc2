"""An author who is not a programmer builds, previews and publishes a module in the admin."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from courses.models import Module, Status
from tests.browser.conftest import DESKTOP, submit_log_in, turn_on_two_step
from tests.factories import make_author, make_course

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def author():
    author = make_author(email="author@example.nz")
    # Logging in through the form needs a confirmed address.
    EmailAddress.objects.filter(user=author).update(verified=True)
    return author


def log_in_to_admin(visit, email):
    """Log in (the admin's log-in is the site's), then set up two-step sign-in as the admin requires at first."""
    visit.goto("/admin/login/")
    submit_log_in(visit, email)
    turn_on_two_step(visit)
    visit.goto("/admin/")
    expect(visit.page.get_by_role("heading", name="Site administration")).to_be_visible()


def test_author_creates_previews_and_publishes_a_module(visit_factory, author):
    course = make_course(slug="keeping-safe", modules=0, status="published")
    visit = visit_factory(DESKTOP)
    page = visit.page
    log_in_to_admin(visit, author.email)

    # A module with one lesson and a quiz, from the module page.
    visit.goto("/admin/courses/module/add/")
    page.get_by_label("Course").select_option(label=course.title)
    page.get_by_label("Title").first.fill("Talking about pressure")
    page.get_by_label("Position").first.fill("1")
    page.get_by_role("button", name="Add another Lesson").click()
    lesson_row = page.locator("#lessons-group tr.form-row.dynamic-lessons").first
    lesson_row.locator("input[name$='-title']").fill("When someone asks for a photo")
    lesson_row.locator("input[name$='-slug']").fill("asks-for-a-photo")
    page.get_by_role("button", name="Add another Quiz").click()
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")
    module = Module.objects.get(slug="talking-about-pressure")
    assert module.lessons.count() == 1

    # The lesson's text, then publish it.
    page.get_by_role("link", name="Edit").first.click()
    page.get_by_label("Body").fill("Stay calm and **listen**. Then [get help](/help/).")
    page.get_by_label("Key points").fill("Stay calm.\nListen first.")
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_url("**/admin/courses/lesson/**")
    assert module.lessons.get().status == Status.PUBLISHED

    # A question with two choices.
    visit.goto(f"/admin/courses/quiz/{module.quiz.pk}/change/")
    page.get_by_role("button", name="Add another Question").click()
    question_row = page.locator("tr.form-row.dynamic-questions").first
    question_row.locator("input[name$='-slug']").fill("first-step")
    question_row.locator("textarea[name$='-text']").fill("Your child says someone wants a photo. What first?")
    page.get_by_role("button", name="Save and continue editing").click()
    page.get_by_role("link", name="Edit choices").click()
    for text, correct, feedback in [("Stay calm and listen", True, "Yes: calm keeps them talking."),
                                    ("Take the phone away", False, "That can stop them telling you.")]:  # fmt: skip
        page.get_by_role("button", name="Add another Choice").click()
        row = page.locator("tr.form-row.dynamic-choices").last
        row.locator("input[name$='-text']").fill(text)
        if correct:
            row.locator("input[name$='-is_correct']").check()
        row.locator("textarea[name$='-feedback']").fill(feedback)
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")

    # Preview the draft module as a parent would see it.
    visit.goto(f"/admin/courses/module/{module.pk}/change/")
    page.get_by_role("link", name="Preview as learner").click()
    page.wait_for_url(f"**{module.get_absolute_url()}")
    expect(page.get_by_text("Draft preview")).to_be_visible()
    expect(page.get_by_role("link", name="When someone asks for a photo")).to_be_visible()
    visit.assert_accessible()

    # Publish it.
    visit.goto(f"/admin/courses/module/{module.pk}/change/")
    page.get_by_role("button", name="Save and publish").click()
    expect(page.get_by_text("Published 1 item.")).to_be_visible()
    module.refresh_from_db()
    assert module.status == Status.PUBLISHED


def test_our_statistics_page_is_accessible(visit_factory, author):
    quiz = make_course(modules=1).modules.get().quiz
    visit = visit_factory(DESKTOP)
    log_in_to_admin(visit, author.email)
    visit.goto(f"/admin/courses/quiz/{quiz.pk}/statistics/")
    expect(visit.page.get_by_role("heading", name="Question 1?")).to_be_visible()
    visit.assert_accessible()


def test_our_import_page_is_accessible(visit_factory, author):
    visit = visit_factory(DESKTOP)
    log_in_to_admin(visit, author.email)
    visit.goto("/admin/courses/course/import/")
    expect(visit.page.get_by_label("Course zip")).to_be_visible()
    visit.assert_accessible()
