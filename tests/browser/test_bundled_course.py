"""The bundled course's newest pages in a real browser: the tenth module, a module's sources, the app
checklist with each app's checked-on date, and the help page with every contact."""

import pytest
from playwright.sync_api import expect

from courses import plans
from courses.models import Course, Module
from tests.browser.conftest import log_in
from tests.courses.content_helpers import BUNDLED, SLUG, import_folder
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

NEW_MODULE = "closer-to-home-and-newer-risks"


def test_the_new_module_sources_and_app_dates_are_accessible(visit):
    import_folder(BUNDLED)
    course = Course.objects.get(slug=SLUG)
    module = Module.objects.get(course=course, slug=NEW_MODULE)
    parent = make_user(email="reader@example.nz", verified=True)
    apps = [guide.slug for guide in course.app_guides.all()]
    plans.save_checklist(user=parent, course=course, apps=apps, ticks={})
    log_in(visit, parent.email)
    page = visit.page

    visit.goto(course.get_absolute_url())
    expect(page.get_by_role("link", name=module.title)).to_be_visible()
    visit.assert_accessible()

    visit.goto(module.get_absolute_url())
    expect(page.get_by_role("heading", name="Where these facts come from")).to_be_visible()
    visit.assert_accessible()
    for lesson in module.lessons.all():
        visit.goto(lesson.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
        visit.assert_accessible()
    visit.goto(module.quiz_url())
    expect(page.get_by_role("button", name="Check my answers")).to_be_visible()
    visit.assert_accessible()

    visit.goto(f"/learning/plan/{SLUG}/apps/")
    expect(page.get_by_text("We last checked these settings in Twitch on").first).to_be_visible()
    visit.assert_accessible()
    visit.goto(f"/learning/plan/{SLUG}/")
    expect(page.get_by_role("heading", name="Nintendo Switch")).to_be_visible()
    expect(page.get_by_text("Checked on").first).to_be_visible()
    visit.assert_accessible()

    visit.goto("/help/")
    expect(page.get_by_role("link", name="Call 0800 044 334")).to_be_visible()
    expect(page.get_by_role("link", name="Report Online Child Exploitation Material at dia.govt.nz")).to_be_visible()
    visit.assert_accessible()
