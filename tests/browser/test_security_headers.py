"""The strict Content-Security-Policy in a real browser: our pages and the admin work with no violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, submit_log_in
from tests.factories import make_course, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any page script; the browser reports every blocked script, style, image or form here.
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


def violations(visit) -> list[str]:
    return visit.page.evaluate("window.cspViolations")


def test_public_pages_raise_no_policy_violation(visit):
    make_course(slug="safe", modules=1)
    visit.page.add_init_script(WATCH_VIOLATIONS)
    for path in [
        "/",
        "/help/",
        "/courses/safe/",
        "/courses/safe/module-1/lesson-1/",
        "/signup/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/privacy/",
    ]:
        response = visit.page.goto(visit.base_url + path)
        assert response is not None
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy, path
        assert "unsafe" not in policy, path
        assert violations(visit) == [], path


def test_quick_exit_still_works_under_the_policy(visit_factory):
    visit = visit_factory()
    visit.fake_outside_hosts.add("www.metservice.com")
    visit.page.add_init_script(WATCH_VIOLATIONS)
    visit.goto("/help/")
    visit.page.get_by_role("link", name="Quick exit").click()
    visit.page.wait_for_url("https://www.metservice.com/**")


def test_the_admin_works_under_the_policy(visit_factory, settings):
    # Two-step sign-in has its own browser test; here the admin's own pages are under test.
    settings.SECOND_FACTOR_REQUIRED_FOR_STAFF = False
    course = make_course(slug="safe", modules=1)
    make_staff(email="admin@example.nz")
    visit = visit_factory(DESKTOP)
    page = visit.page
    page.add_init_script(WATCH_VIOLATIONS)

    # The admin's log-in hands over to the site's (allauth's), which then comes back to the admin.
    visit.goto("/admin/login/")
    page.wait_for_url("**/accounts/login/?next=*")
    assert violations(visit) == []
    submit_log_in(visit, "admin@example.nz")
    page.wait_for_url("**/admin/")
    assert violations(visit) == []

    # A change form with inlines: "Add another" is the admin's JavaScript at work.
    visit.goto(f"/admin/courses/course/{course.pk}/change/")
    rows = page.locator("tr.form-row.dynamic-modules")
    before = rows.count()
    page.get_by_role("button", name="Add another Module").click()
    expect(rows).to_have_count(before + 1)
    assert violations(visit) == []

    # The slug is filled in from the title as it is typed (prepopulated fields, also JavaScript).
    visit.goto("/admin/courses/course/add/")
    page.get_by_label("Title").fill("Talking about pressure")
    page.get_by_label("Title").blur()
    expect(page.get_by_label("Slug")).to_have_value("talking-about-pressure")
    assert violations(visit) == []

    # A list with actions and filters, and a user's page with its password widget.
    visit.goto("/admin/courses/lesson/")
    page.locator("#action-toggle").check()
    expect(page.locator("tr.selected").first).to_be_visible()
    visit.goto("/admin/accounts/user/")
    page.get_by_role("link", name="admin@example.nz").click()
    expect(page.get_by_role("heading", name="admin@example.nz")).to_be_visible()
    assert violations(visit) == []
