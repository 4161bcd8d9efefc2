"""A new parent's whole journey, found by visible names as a person would, at phone and desktop sizes."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Certificate, Quiz
from tests.browser.conftest import confirm_email
from tests.factories import PASSWORD, make_course

pytestmark = pytest.mark.django_db(transaction=True)


def answer_quiz(page, choice_text):
    for group in page.locator("fieldset").all():
        group.get_by_label(choice_text, exact=True).check()
    page.get_by_role("button", name="Check my answers").click()


FOCUSED = """(() => {
  const e = document.activeElement;
  const label = e.labels && e.labels[0] ? e.labels[0].textContent.trim() : "";
  return {tag: e.tagName, type: e.type || "", label: label, checked: !!e.checked, text: e.textContent.trim()};
})()"""


def answer_quiz_with_the_keyboard(page, choice_text):
    """Tab through the page, pick `choice_text` in every question with the arrow keys, submit with Enter."""
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["type"] == "radio":
            # Tab enters a radio group once; the arrow keys move within it, choosing as they go.
            for _ in range(5):
                if page.evaluate(FOCUSED)["label"] == choice_text:
                    page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
        if focused["tag"] == "BUTTON" and focused["text"] == "Check my answers":
            page.keyboard.press("Enter")
            return
    raise AssertionError("never reached the submit button with Tab")


def test_new_parent_journey(visit, live_server):
    course = make_course(slug="keeping-safe", modules=2, lessons=1, questions=2)
    Quiz.objects.filter(module__slug="module-2").update(shuffle=False)
    page = visit.page

    # A visitor starts reading without an account.
    visit.goto("/")
    visit.assert_accessible()
    page.get_by_role("link", name="Start the first lesson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 1")
    expect(page.get_by_text("Lesson 1 of 1 · Module 1 of 2")).to_be_visible()
    visit.assert_accessible()
    page.get_by_role("button", name="Mark as complete and continue").click()

    # The module's quiz needs an account: sign up, confirm the address from the email, keeping what was read.
    expect(page.get_by_role("heading", name="Create a free account")).to_be_visible()
    visit.assert_accessible()
    page.get_by_label("Email").fill("aroha@example.nz")
    page.get_by_label("Your first name").fill("Aroha")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    visit.assert_accessible()
    confirm_email(visit, "aroha@example.nz")

    # Fail the quiz, then retake it and pass.
    expect(page.get_by_role("heading", name="Quiz: Module 1")).to_be_visible()
    visit.assert_accessible()
    answer_quiz(page, "Wrong")
    expect(page.get_by_role("heading", name="Not quite yet")).to_be_visible()
    expect(page.get_by_text("No, because.").first).to_be_visible()
    visit.assert_accessible()
    page.get_by_role("link", name="Try the quiz again").click()
    answer_quiz(page, "Right")
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    page.get_by_role("link", name="Continue the course").click()

    # The second module, its quiz with the keyboard alone.
    expect(page.get_by_text("Lesson 1 of 1 · Module 2 of 2")).to_be_visible()
    page.get_by_role("button", name="Mark as complete and continue").click()
    expect(page.get_by_role("heading", name="Quiz: Module 2")).to_be_visible()
    answer_quiz_with_the_keyboard(page, "Right")
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()

    # The certificate, and the course outline says it is all done.
    page.get_by_role("link", name="See your certificate").click()
    expect(page.get_by_role("heading", name="Certificate of completion")).to_be_visible()
    expect(page.get_by_text("Aroha", exact=True)).to_be_visible()
    visit.assert_accessible()
    code = Certificate.objects.get().code
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    visit.goto(course.get_absolute_url())
    expect(page.get_by_text("You have finished the course")).to_be_visible()
    visit.goto("/learning/")
    expect(page.get_by_text("100% done")).to_be_visible()
    visit.assert_accessible()

    # Anyone can verify the certificate, logged out.
    page.get_by_role("button", name="Log out").click()
    visit.goto(f"/certificates/{code}/")
    expect(page.get_by_text("This certificate is genuine.")).to_be_visible()
    expect(page.get_by_text("Aroha", exact=True)).to_be_visible()
    assert "aroha@example.nz" not in page.content()
    visit.assert_accessible()


def test_unanswered_questions_are_named_and_the_answers_kept(visit_factory, live_server):
    make_course(slug="keeping-safe", modules=1, lessons=1, questions=2)
    visit = visit_factory()
    page = visit.page
    visit.goto("/signup/")
    page.get_by_label("Email").fill("mere@example.nz")
    page.get_by_label("Your first name").fill("Mere")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    confirm_email(visit, "mere@example.nz")
    visit.goto("/courses/keeping-safe/module-1/quiz/")
    page.locator("fieldset").first.get_by_label("Right", exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".error-summary a")).to_have_count(1)
    expect(page.locator("fieldset").first.get_by_label("Right", exact=True)).to_be_checked()
    visit.assert_accessible()
