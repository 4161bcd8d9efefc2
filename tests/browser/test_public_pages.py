"""The public pages in a real browser: accessible, keyboard-friendly, and with a quick way out."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = ["/", "/help/", "/accounts/login/", "/accounts/password/reset/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_page_is_accessible(visit, path):
    visit.goto(path)
    assert visit.page.locator("h1").count() == 1
    assert visit.page.locator("main#main").count() == 1
    visit.assert_accessible()


@pytest.mark.parametrize("path", ["/", "/help/"])
def test_skip_link_is_the_first_tab_stop_and_moves_to_main(visit, path):
    visit.goto(path)
    visit.page.keyboard.press("Tab")
    focused = visit.page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert visit.page.locator(".skip-link").is_visible()
    visit.page.keyboard.press("Enter")
    assert visit.page.evaluate("document.activeElement.id") == "main"


def test_quick_exit_leaves_and_back_does_not_return(visit_factory, settings):
    visit = visit_factory()
    neutral = urlsplit(settings.QUICK_EXIT_URL).hostname
    visit.fake_outside_hosts.add(neutral)
    visit.goto("/")
    visit.goto("/help/")
    visit.page.get_by_role("link", name="Quick exit").click()
    visit.page.wait_for_url(f"https://{neutral}/**")
    visit.page.go_back()
    # The help page was replaced in the history: Back lands on the page before it, never on /help/.
    assert urlsplit(visit.page.url).path != "/help/"


def test_pressing_escape_twice_leaves(visit_factory, settings):
    visit = visit_factory()
    neutral = urlsplit(settings.QUICK_EXIT_URL).hostname
    visit.fake_outside_hosts.add(neutral)
    visit.goto("/help/")
    visit.page.keyboard.press("Escape")
    visit.page.keyboard.press("Escape")
    visit.page.wait_for_url(f"https://{neutral}/**")


def test_quick_exit_works_without_javascript(visit_factory, settings):
    visit = visit_factory(javascript=False)
    neutral = urlsplit(settings.QUICK_EXIT_URL).hostname
    visit.fake_outside_hosts.add(neutral)
    visit.goto("/help/")
    visit.page.get_by_role("link", name="Quick exit").click()
    visit.page.wait_for_url(f"https://{neutral}/**")


def test_help_page_calls_and_texts_from_a_phone(visit):
    visit.goto("/help/")
    assert visit.page.get_by_role("link", name="Call 111").first.get_attribute("href") == "tel:111"
    assert (
        visit.page.get_by_role("link", name="Text ‘Netsafe’ to 4282").get_attribute("href") == "sms:4282?body=Netsafe"
    )
    assert (
        visit.page.get_by_role("link", name="Email help@netsafe.org.nz").get_attribute("href")
        == "mailto:help@netsafe.org.nz"
    )


def test_nothing_overflows_sideways_on_a_phone(visit_factory):
    visit = visit_factory()
    for path in PUBLIC_PAGES:
        visit.goto(path)
        overflow = visit.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px wide"
