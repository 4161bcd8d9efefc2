"""A school invites families by email and by its code; families join; the dashboard and CSV show their progress."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, confirm_email, log_in, submit_log_in, turn_on_two_step
from tests.factories import PASSWORD, make_course, make_school, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db(transaction=True)


def log_in_as_coordinator(visit, email):
    """Log in, open the school's pages, turn on two-step sign-in, which they ask for first, and open them again."""
    log_in(visit, email)
    visit.goto("/schools/")
    turn_on_two_step(visit)
    visit.goto("/schools/")
    expect(visit.page.get_by_role("heading", name="Your schools")).to_be_visible()


def sign_up(visit, email, name):
    """Create an account, then confirm the address from the emailed link, which logs the new parent in."""
    page = visit.page
    expect(page.get_by_role("heading", name="Create a free account")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your first name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    visit.assert_accessible()
    confirm_email(visit, email)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_invite_by_email_accept_learn_and_see_it_on_the_dashboard(visit_factory, viewport):
    make_course(slug="safe", modules=2, lessons=2, questions=1)
    coordinator = make_user(email="office@kowhai.school.nz", display_name="Office", verified=True)
    make_school(name="Kōwhai School", slug="kowhai", coordinators=[coordinator], cohorts=["Year 7 2027"])

    # The coordinator pastes a list with one invalid and one duplicate row and checks it.
    office = visit_factory(viewport)
    log_in_as_coordinator(office, coordinator.email)
    office.goto("/schools/kowhai/invite/")
    office.assert_accessible()
    office.page.get_by_label("Families to invite").fill(
        "hine@example.nz, Hine Walker, Year 7 2027\nnot an email\nHINE@example.nz\n"
    )
    office.page.get_by_role("button", name="Check the list").click()
    expect(office.page.get_by_text("1 row needs fixing")).to_be_visible()
    expect(office.page.get_by_text("1 duplicate will be left out")).to_be_visible()
    office.assert_accessible()
    assert not sent_mail()
    office.page.get_by_role("button", name="Send 1 invitation").click()
    expect(office.page.get_by_role("heading", name="Invitations")).to_be_visible()
    expect(office.page.get_by_text("1 invitation sent.")).to_be_visible()
    office.assert_accessible()

    # The family follows the emailed link, signs up, reads the consent screen and joins.
    assert [message.to for message in sent_mail()] == [["hine@example.nz"]]
    link = re.search(r"https?://[^/\s]+(/invitations/\S+/)", sent_mail()[0].body).group(1)
    family = visit_factory(viewport)
    family.goto(link)
    family.assert_accessible()
    sign_up(family, "hine@example.nz", "Hine")
    expect(family.page.get_by_role("heading", name="Join Kōwhai School")).to_be_visible()
    expect(family.page.get_by_text("never see your quiz answers or your scores")).to_be_visible()
    family.assert_accessible()
    family.page.get_by_role("button", name="Join Kōwhai School").click()
    expect(family.page.get_by_role("heading", name="Schools that see your progress")).to_be_visible()
    family.assert_accessible()

    # They complete a lesson.
    family.goto("/courses/safe/module-1/lesson-1/")
    family.page.get_by_role("button", name="Mark as complete and continue").click()
    expect(family.page.get_by_role("heading", level=1)).to_have_text("Lesson 2")

    # The dashboard and the CSV show it.
    office.goto("/schools/kowhai/")
    row = office.page.get_by_role("row", name=re.compile("Hine"))
    expect(row).to_contain_text("In progress")
    expect(row).to_contain_text("Year 7 2027")
    office.assert_accessible()
    export = office.page.request.get(office.base_url + "/schools/kowhai/export.csv")
    assert export.ok
    assert "hine@example.nz" in export.text()
    assert "In progress" in export.text()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_family_joins_by_link_and_by_code(visit_factory, viewport):
    make_course(slug="safe", modules=1)
    first = make_school(name="Rimu School", slug="rimu")
    second = make_school(name="Tōtara College", slug="totara")
    make_user(email="tama@example.nz", display_name="Tama")

    visit = visit_factory(viewport)
    page = visit.page
    # By link: a visitor is asked to sign up (or log in) and comes back to the consent screen.
    visit.goto(f"/join/{first.join_code}/")
    page.get_by_role("link", name="Log in").last.click()
    # Tama has not confirmed their address yet: logging in sends a new link, which brings them straight back.
    submit_log_in(visit, "tama@example.nz")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    visit.assert_accessible()
    confirm_email(visit, "tama@example.nz")
    expect(page.get_by_role("heading", name="Join Rimu School")).to_be_visible()
    visit.assert_accessible()
    page.get_by_role("button", name="Join Rimu School").click()
    expect(page.get_by_text("Rimu School", exact=True)).to_be_visible()

    # By code, typed as it is printed on the flyer.
    visit.goto("/join/")
    visit.assert_accessible()
    page.get_by_label("Your school’s code").fill(f"{second.join_code[:4]}-{second.join_code[4:].lower()}")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Join Tōtara College").click()
    expect(page.get_by_text("Tōtara College", exact=True)).to_be_visible()
    visit.assert_accessible()

    # A wrong code gets a page that says what to do.
    page.goto(visit.base_url + "/join/ZZZZ2222/")
    expect(page.get_by_role("heading", name="We could not find that school code")).to_be_visible()
    visit.assert_accessible()
    # Its status is 404 on purpose, which Chromium reports in the console: that one error is expected.
    assert visit.console_errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    visit.console_errors.clear()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_coordinator_pages_are_accessible(visit_factory, viewport):
    make_course(slug="safe", modules=2)
    coordinator = make_user(email="office@kowhai.school.nz", verified=True)
    make_school(slug="kowhai", coordinators=[coordinator], families=[make_user()], cohorts=["Year 7 2027"])
    visit = visit_factory(viewport)
    log_in_as_coordinator(visit, coordinator.email)
    visit.assert_accessible()
    for path in ["/schools/", "/schools/kowhai/", "/schools/kowhai/invitations/", "/schools/kowhai/cohorts/",
                 "/schools/kowhai/invite/", "/schools/kowhai/flyer/"]:  # fmt: skip
        visit.goto(path)
        assert visit.page.locator("h1").count() == 1, path
        visit.assert_accessible()
    expect(visit.page.locator(".qr svg")).to_be_visible()
