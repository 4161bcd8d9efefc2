"""A parent builds a family online-safety plan in a real browser, then prints it."""

import pytest
from playwright.sync_api import expect

from courses.models import AppGuide, Lesson, Module
from tests.browser.conftest import PHONE, log_in
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db(transaction=True)

STARTERS = [
    "Can you show me how your favourite game works?",
    "Who can message you in that app?",
]
DISPLAY = "selector => getComputedStyle(document.querySelector(selector)).display"


def make_plan_course():
    """A course whose first module is the privacy-settings one, with two apps on its checklist."""
    course = make_course(slug="safe", modules=1, lessons=1)
    Module.objects.filter(course=course).update(slug="privacy-settings")
    Lesson.objects.filter(module__course=course).update(try_saying="\n".join(STARTERS))
    AppGuide.objects.create(
        course=course, slug="roblox", name="Roblox", position=1,
        settings="Set chat to friends only.\nLock the settings with a PIN.\nGo through the friends list together.",
    )  # fmt: skip
    AppGuide.objects.create(
        course=course, slug="tiktok", name="TikTok", position=2, settings="Make the account private."
    )
    return course


def test_a_parent_builds_and_prints_a_family_plan(visit):
    make_plan_course()
    user = make_user(email="plan@example.nz", verified=True)
    page = visit.page
    log_in(visit, user.email)

    # A conversation starter, picked on the lesson.
    visit.goto("/courses/safe/privacy-settings/lesson-1/")
    page.get_by_role("button", name="Add to my plan").first.click()
    expect(page.get_by_role("button", name="In your plan ✓ — remove")).to_have_count(1)
    expect(page.get_by_role("button", name="Add to my plan")).to_have_count(1)
    visit.assert_accessible()

    # The lesson leads to the checklist: pick an app, then tick off two of its settings.
    page.get_by_role("link", name="Tick off each app’s settings in your family plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your app checklist")
    visit.assert_accessible()
    page.get_by_role("group", name="Which apps and games does your child use?").get_by_label("Roblox").check()
    page.get_by_role("button", name="Save my checklist").click()
    expect(page.get_by_text("Your checklist is saved in your family plan.")).to_be_visible()
    roblox = page.get_by_role("group", name="Roblox")
    roblox.get_by_label("Set chat to friends only.").check()
    roblox.get_by_label("Go through the friends list together.").check()
    page.get_by_role("button", name="Save my checklist").click()
    expect(page.get_by_role("group", name="Roblox").get_by_label("Set chat to friends only.")).to_be_checked()
    expect(page.get_by_role("group", name="Roblox").get_by_label("Lock the settings with a PIN.")).not_to_be_checked()
    visit.assert_accessible()

    # The trusted adults, named from the plan page.
    page.get_by_role("link", name="See your family plan").click()
    page.get_by_role("link", name="Name your trusted adults").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your trusted adults")
    visit.assert_accessible()
    page.get_by_label("Your family’s trusted adults").fill("Aunty Mere, 021 123 4567\nCoach Sam")
    page.get_by_role("button", name="Save").click()

    # The plan gathers it all, with the help contacts.
    expect(page.get_by_role("heading", level=1)).to_have_text("Our family online-safety plan")
    plan = page.locator(".plan")
    expect(plan.get_by_text("2 of 3 settings checked")).to_be_visible()
    expect(plan.get_by_text(f"“{STARTERS[0]}”")).to_be_visible()
    expect(plan.get_by_text("Aunty Mere, 021 123 4567")).to_be_visible()
    expect(plan.get_by_role("link", name="Call 111")).to_be_visible()
    visit.assert_accessible()

    # With JavaScript the button prints and the hint for printing without it is hidden.
    expect(page.get_by_text("use your browser’s Print command")).to_be_hidden()
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print this plan").click()
    assert page.evaluate("window.printed") is True

    # Printed, the page is the plan alone: no header, navigation, footer, quick exit or buttons.
    page.emulate_media(media="print")
    for selector in ["header.site-header", "nav.site-nav", "footer.site-footer", ".quick-exit", ".plan form"]:
        assert page.evaluate(DISPLAY, selector) == "none", selector
    expect(page.get_by_role("button", name="Print this plan")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(plan.get_by_role("heading", name="Where to get help")).to_be_visible()
    expect(plan.get_by_text("Set chat to friends only.")).to_be_visible()
    expect(plan.get_by_text("Coach Sam")).to_be_visible()
    expect(plan.get_by_text("Call 0508 NETSAFE (0508 638 723), toll free")).to_be_visible()
    colours = page.evaluate(
        "[...document.querySelectorAll('.plan h1, .plan h2, .plan li')].map(e => getComputedStyle(e).color)"
    )
    assert set(colours) == {"rgb(0, 0, 0)"}


def test_without_javascript_the_plan_says_how_to_print(visit_factory):
    make_plan_course()
    user = make_user(email="nojs@example.nz", verified=True)
    visit = visit_factory(PHONE, javascript=False)
    log_in(visit, user.email)
    visit.goto("/learning/plan/safe/")
    expect(visit.page.get_by_text("use your browser’s Print command")).to_be_visible()
    expect(visit.page.get_by_role("button", name="Print this plan")).to_be_hidden()
