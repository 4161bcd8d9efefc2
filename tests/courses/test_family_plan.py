"""The family online-safety plan: starters picked on lessons, the app checklist, trusted adults, the plan page."""

import datetime
import html
import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from courses import actions, plans, progress
from courses.contacts import HELP_CONTACTS
from courses.models import AppGuide, FamilyPlan, Lesson, PlanApp, PlanSetting, PlanStarter, Status
from tests.factories import make_course, make_user
from tests.html import structure
from tests.security.test_fuzzing import FUZZ, VALUES

pytestmark = pytest.mark.django_db

STARTERS = [
    "How was your day online?",
    "Who do you talk to in that game?",
    "What would you do if someone asked for a photo?",
]


@pytest.fixture
def course():
    course = make_course(slug="safe", modules=2, lessons=2)
    Lesson.objects.filter(module__course=course).update(try_saying="\n".join(STARTERS))
    make_apps(course, 2)
    return course


@pytest.fixture
def parent(client):
    user = make_user()
    client.force_login(user)
    return user


def make_apps(course, count: int, settings: int = 3) -> list[AppGuide]:
    start = course.app_guides.count()
    return [
        AppGuide.objects.create(
            course=course,
            slug=f"app-{n}",
            name=f"App {n}",
            position=n,
            settings="\n".join(f"App {n} setting {s}" for s in range(1, settings + 1)),
        )
        for n in range(start + 1, start + count + 1)
    ]


def lesson(course, module=1, number=1) -> Lesson:
    return Lesson.objects.select_related("module__course").get(
        module__course=course, module__slug=f"module-{module}", slug=f"lesson-{number}"
    )


def lesson_url(course, module=1, number=1):
    return f"/courses/{course.slug}/module-{module}/lesson-{number}/"


def starter_url(course, action, module=1, number=1):
    return f"/learning/plan/{course.slug}/starters/module-{module}/lesson-{number}/{action}/"


def plan_url(course):
    return f"/learning/plan/{course.slug}/"


def apps_url(course):
    return f"/learning/plan/{course.slug}/apps/"


def adults_url(course):
    return f"/learning/plan/{course.slug}/trusted-adults/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def build_plan(user, course):
    """A plan with an app and two of its settings ticked, a starter and two trusted adults."""
    plans.pick_starter(user=user, lesson=lesson(course), text=STARTERS[1])
    plans.save_checklist(
        user=user, course=course, apps=["app-1"], ticks={"app-1": ["App 1 setting 1", "App 1 setting 3"]}
    )
    plans.save_trusted_adults(user=user, course=course, names=["Aunty Mere, 021 123 4567", "Coach Sam"])
    return FamilyPlan.objects.get(user=user, course=course)


class TestStarterServices:
    def test_picking_a_starter_twice_keeps_one(self, course):
        user = make_user()
        assert plans.pick_starter(user=user, lesson=lesson(course), text=STARTERS[0]) is True
        assert plans.pick_starter(user=user, lesson=lesson(course), text=f"  {STARTERS[0]} ") is False
        assert list(PlanStarter.objects.values_list("text", flat=True)) == [STARTERS[0]]
        assert FamilyPlan.objects.get().user == user

    def test_the_same_words_on_another_lesson_are_another_starter(self, course):
        user = make_user()
        plans.pick_starter(user=user, lesson=lesson(course, 1, 1), text=STARTERS[0])
        plans.pick_starter(user=user, lesson=lesson(course, 2, 2), text=STARTERS[0])
        assert PlanStarter.objects.count() == 2
        assert FamilyPlan.objects.count() == 1

    def test_a_starter_not_in_the_lesson_is_refused_and_nothing_is_written(self, course):
        user = make_user()
        with pytest.raises(plans.NotOnLesson):
            plans.pick_starter(user=user, lesson=lesson(course), text="Something else")
        assert not FamilyPlan.objects.exists()

    def test_dropping_a_starter_twice_is_harmless(self, course):
        user = make_user()
        plans.pick_starter(user=user, lesson=lesson(course), text=STARTERS[0])
        plans.pick_starter(user=user, lesson=lesson(course), text=STARTERS[1])
        assert plans.drop_starter(user=user, lesson=lesson(course), text=STARTERS[0]) is True
        assert plans.drop_starter(user=user, lesson=lesson(course), text=STARTERS[0]) is False
        assert list(PlanStarter.objects.values_list("text", flat=True)) == [STARTERS[1]]

    def test_dropping_touches_only_the_parents_own_plan(self, course):
        mine, theirs = make_user(), make_user()
        plans.pick_starter(user=theirs, lesson=lesson(course), text=STARTERS[0])
        assert plans.drop_starter(user=mine, lesson=lesson(course), text=STARTERS[0]) is False
        assert PlanStarter.objects.filter(plan__user=theirs).count() == 1

    def test_picked_starters_are_kept_by_lesson_and_parent(self, course):
        user = make_user()
        plans.pick_starter(user=user, lesson=lesson(course, 1, 1), text=STARTERS[0])
        plans.pick_starter(user=user, lesson=lesson(course, 1, 2), text=STARTERS[1])
        picked = progress.course_progress(course, user=user).picked
        assert picked == {lesson(course, 1, 1).pk: {STARTERS[0]}, lesson(course, 1, 2).pk: {STARTERS[1]}}
        assert progress.course_progress(course, user=make_user()).picked == {}

    def test_guests_have_no_starters(self, course):
        assert progress.course_progress(course).picked == {}


class TestChecklistServices:
    def test_ticks_are_saved_and_replaced(self, course):
        user = make_user()
        plans.save_checklist(user=user, course=course, apps=["app-1"], ticks={"app-1": ["App 1 setting 1"]})
        plans.save_checklist(
            user=user, course=course, apps=["app-1", "app-2"], ticks={"app-1": ["App 1 setting 2"], "app-2": []}
        )
        assert plans.saved_ticks(user=user, course=course) == {"app-1": {"App 1 setting 2"}, "app-2": set()}

    def test_saving_the_same_checklist_twice_changes_nothing(self, course):
        user = make_user()
        for _ in range(2):
            plans.save_checklist(user=user, course=course, apps=["app-1"], ticks={"app-1": ["App 1 setting 1"]})
        assert PlanApp.objects.count() == 1
        assert PlanSetting.objects.count() == 1

    def test_unticking_an_app_takes_it_and_its_ticks_out(self, course):
        user = make_user()
        plans.save_checklist(user=user, course=course, apps=["app-1"], ticks={"app-1": ["App 1 setting 1"]})
        plans.save_checklist(user=user, course=course, apps=[], ticks={"app-1": ["App 1 setting 1"]})
        assert plans.saved_ticks(user=user, course=course) == {}
        assert not PlanSetting.objects.exists()

    def test_ticks_for_an_app_not_chosen_are_ignored(self, course):
        user = make_user()
        plans.save_checklist(user=user, course=course, apps=["app-1"], ticks={"app-2": ["App 2 setting 1"]})
        assert plans.saved_ticks(user=user, course=course) == {"app-1": set()}

    @pytest.mark.parametrize(
        ("apps", "ticks"),
        [
            (["no-such-app"], {}),
            (["app-1"], {"app-1": ["Not a setting of app 1"]}),
            (["app-1"], {"app-1": ["App 2 setting 1"]}),
        ],
        ids=["unknown app", "unknown setting", "another app's setting"],
    )
    def test_anything_not_on_the_checklist_is_refused_and_nothing_saved_is_lost(self, course, apps, ticks):
        user = make_user()
        plans.save_checklist(user=user, course=course, apps=["app-2"], ticks={"app-2": ["App 2 setting 2"]})
        with pytest.raises(plans.NotOnChecklist):
            plans.save_checklist(user=user, course=course, apps=apps, ticks=ticks)
        assert plans.saved_ticks(user=user, course=course) == {"app-2": {"App 2 setting 2"}}

    def test_an_app_from_another_course_is_refused(self, course):
        other = make_course(slug="other")
        make_apps(other, 3)
        with pytest.raises(plans.NotOnChecklist):
            plans.save_checklist(user=make_user(), course=course, apps=["app-3"], ticks={})

    def test_a_tick_on_a_setting_an_author_reworded_is_kept(self, course):
        user = make_user()
        plans.save_checklist(user=user, course=course, apps=["app-1"], ticks={"app-1": ["App 1 setting 1"]})
        AppGuide.objects.filter(slug="app-1").update(settings="Reworded\nApp 1 setting 2")
        plans.save_checklist(user=user, course=course, apps=["app-1"], ticks={"app-1": ["Reworded"]})
        assert plans.saved_ticks(user=user, course=course) == {"app-1": {"App 1 setting 1", "Reworded"}}

    def test_an_app_taken_off_the_checklist_leaves_the_plan(self, course):
        user = make_user()
        plans.save_checklist(user=user, course=course, apps=["app-1", "app-2"], ticks={"app-1": ["App 1 setting 1"]})
        AppGuide.objects.filter(slug="app-1").delete()
        assert plans.saved_ticks(user=user, course=course) == {"app-2": set()}


class TestTrustedAdultsServices:
    def test_names_are_tidied_and_saved(self, course):
        user = make_user()
        plans.save_trusted_adults(user=user, course=course, names=["  Aunty  Mere ", "", "Coach Sam", "aunty mere"])
        assert plans.trusted_adults(user=user, course=course) == ["Aunty Mere", "Coach Sam"]

    def test_an_empty_list_clears_them(self, course):
        user = make_user()
        plans.save_trusted_adults(user=user, course=course, names=["Nana"])
        plans.save_trusted_adults(user=user, course=course, names=[])
        assert plans.trusted_adults(user=user, course=course) == []

    @pytest.mark.parametrize(
        "names", [[f"Person {n}" for n in range(plans.MAX_TRUSTED_ADULTS + 1)], ["x" * 121]], ids=["many", "long"]
    )
    def test_too_many_or_too_long_is_refused_and_the_saved_names_kept(self, course, names):
        user = make_user()
        plans.save_trusted_adults(user=user, course=course, names=["Nana"])
        with pytest.raises(plans.PlanError):
            plans.save_trusted_adults(user=user, course=course, names=names)
        assert plans.trusted_adults(user=user, course=course) == ["Nana"]


class TestPlanData:
    def test_one_plan_per_parent_and_course(self, course):
        user = make_user()
        FamilyPlan.objects.create(user=user, course=course)
        with pytest.raises(IntegrityError), transaction.atomic():
            FamilyPlan.objects.create(user=user, course=course)

    def test_the_database_refuses_a_starter_twice(self, course):
        plan = build_plan(make_user(), course)
        with pytest.raises(IntegrityError), transaction.atomic():
            PlanStarter.objects.create(plan=plan, lesson=lesson(course), text=STARTERS[1])

    def test_the_database_refuses_a_tick_twice(self, course):
        plan = build_plan(make_user(), course)
        with pytest.raises(IntegrityError), transaction.atomic():
            PlanSetting.objects.create(plan_app=plan.apps.get(), setting="App 1 setting 1")

    def test_the_plan_goes_with_the_parents_account(self, course):
        user = make_user()
        build_plan(user, course)
        user.delete()
        assert not FamilyPlan.objects.exists()
        assert not PlanApp.objects.exists()
        assert not PlanSetting.objects.exists()
        assert not PlanStarter.objects.exists()

    def test_the_plan_can_be_exported(self, course):
        user = make_user()
        build_plan(user, course)
        [exported] = plans.export_plans(user)
        assert exported["course"] == "safe"
        assert exported["apps"] == [{"app": "app-1", "settings_done": ["App 1 setting 1", "App 1 setting 3"]}]
        assert exported["conversation_starters"] == [{"module": "module-1", "lesson": "lesson-1", "text": STARTERS[1]}]
        assert exported["trusted_adults"] == ["Aunty Mere, 021 123 4567", "Coach Sam"]


class TestPlanPage:
    def test_the_plan_shows_everything_gathered_and_the_help_contacts(self, client, parent, course):
        build_plan(parent, course)
        response = client.get(plan_url(course))
        page = text(response)
        assert response.status_code == 200
        assert structure(response).count("h1") == 1
        assert "App 1" in page
        assert "2 of 3 settings checked" in page
        assert "App 2" not in page
        assert f"“{STARTERS[1]}”" in page
        assert "Aunty Mere, 021 123 4567" in page
        assert "Coach Sam" in page
        for contact in HELP_CONTACTS:
            assert str(contact.name) in page
            for way in contact.ways:
                assert str(way.label) in page
                assert f'href="{way.href}"' in response.content.decode().replace("&amp;", "&")

    def test_the_plan_says_when_each_app_was_checked_and_against_what(self, client, parent, course):
        guide = course.app_guides.get(slug="app-1")
        guide.checked_on = datetime.date(2026, 12, 3)
        guide.sources = "https://help.example.org/app-1/privacy"
        guide.save()
        build_plan(parent, course)
        response = client.get(plan_url(course))
        assert "Checked on 3 December 2026, against: help.example.org." in re.sub(r"<[^>]+>", "", text(response))
        assert 'href="https://help.example.org/app-1/privacy"' in response.content.decode()
        checklist = text(client.get(apps_url(course)))
        assert "We last checked these settings in App 1 on 3 December 2026." in checklist

    def test_an_app_not_yet_checked_shows_no_date(self, client, parent, course):
        build_plan(parent, course)
        assert "Checked on" not in text(client.get(plan_url(course)))

    def test_the_plan_offers_printing_with_and_without_javascript(self, client, parent, course):
        response = client.get(plan_url(course))
        page = structure(response)
        assert "/static/js/print." in " ".join(page.loaded_urls())
        buttons = [attrs for tag, attrs in page.tags if tag == "button" and "data-print" in attrs]
        assert len(buttons) == 1
        assert "hidden" in buttons[0]
        assert "Print command" in text(response)
        assert "<script>" not in response.content.decode()

    def test_an_empty_plan_says_where_to_start(self, client, parent, course):
        page = text(client.get(plan_url(course)))
        assert "You have not picked any apps yet" in page
        assert "Open the app checklist" in page
        assert "Name your trusted adults" in page
        assert not FamilyPlan.objects.exists()

    def test_another_parents_plan_is_never_shown(self, client, parent, course):
        build_plan(make_user(), course)
        page = text(client.get(plan_url(course)))
        assert "Aunty Mere" not in page
        assert STARTERS[1] not in page
        assert "settings checked" not in page

    def test_a_starter_from_a_lesson_made_a_draft_is_kept_without_a_link(self, client, parent, course):
        plans.pick_starter(user=parent, lesson=lesson(course), text=STARTERS[0])
        Lesson.objects.filter(pk=lesson(course).pk).update(status=Status.DRAFT)
        response = client.get(plan_url(course))
        assert STARTERS[0] in text(response)
        assert f'href="{lesson_url(course)}"' not in response.content.decode()

    def test_anonymous_is_sent_to_log_in(self, client, course):
        response = client.get(plan_url(course))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")

    def test_post_is_refused(self, client, parent, course):
        assert client.post(plan_url(course)).status_code == 405

    @pytest.mark.parametrize("slug", ["no-such-course", "draft"])
    def test_an_unknown_or_draft_course_is_404(self, client, parent, slug):
        make_course(slug="draft", status="draft")
        assert client.get(f"/learning/plan/{slug}/").status_code == 404

    def test_my_learning_links_to_each_plan(self, client, parent, course):

        actions.enrol(user=parent, course=course)
        assert f'href="{plan_url(course)}"' in client.get("/learning/").content.decode()


class TestChecklistPage:
    def test_the_checklist_is_fieldsets_of_checkboxes_with_legends(self, client, parent, course):
        plans.save_checklist(user=parent, course=course, apps=["app-1"], ticks={"app-1": ["App 1 setting 2"]})
        response = client.get(apps_url(course))
        page = structure(response)
        body = text(response)
        assert response.status_code == 200
        assert page.count("fieldset") == 2  # which apps, then App 1's settings (App 2 is not chosen)
        assert "Which apps and games does your child use?" in body
        boxes = {(attrs["name"], attrs["value"]): "checked" in attrs for tag, attrs in page.tags if tag == "input"
                 if attrs.get("type") == "checkbox"}  # fmt: skip
        assert boxes == {
            ("apps", "app-1"): True,
            ("apps", "app-2"): False,
            ("settings-app-1", "App 1 setting 1"): False,
            ("settings-app-1", "App 1 setting 2"): True,
            ("settings-app-1", "App 1 setting 3"): False,
        }

    def test_saving_ticks_keeps_them_and_shows_them_on_the_plan(self, client, parent, course):
        response = client.post(apps_url(course), {"apps": ["app-1", "app-2"]})
        assert response.status_code == 302
        assert response["Location"] == apps_url(course)
        assert "Settings to check" in text(client.get(apps_url(course)))
        client.post(apps_url(course), {"apps": ["app-1", "app-2"], "settings-app-2": ["App 2 setting 3"]})
        assert plans.saved_ticks(user=parent, course=course) == {"app-1": set(), "app-2": {"App 2 setting 3"}}
        plan_page = text(client.get(plan_url(course)))
        assert "0 of 3 settings checked" in plan_page
        assert "1 of 3 settings checked" in plan_page

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"apps": ["app-1", "no-such-app"]}, "One of the apps you ticked is no longer on our checklist"),
            ({"apps": ["app-1"], "settings-app-1": ["Made up"]}, "One of these settings has changed"),
            ({"apps": ["app-1"], "settings-app-1": ["App 2 setting 1"]}, "One of these settings has changed"),
        ],
        ids=["unknown app", "unknown setting", "another app's setting"],
    )
    def test_bad_input_gets_a_message_and_nothing_saved_is_lost(self, client, parent, course, data, message):
        plans.save_checklist(user=parent, course=course, apps=["app-2"], ticks={"app-2": ["App 2 setting 1"]})
        response = client.post(apps_url(course), data)
        assert response.status_code == 200
        assert "There is a problem" in text(response)
        assert message in text(response)
        assert plans.saved_ticks(user=parent, course=course) == {"app-2": {"App 2 setting 1"}}

    def test_settings_for_an_app_that_is_not_on_the_list_are_ignored(self, client, parent, course):
        response = client.post(apps_url(course), {"apps": ["app-1"], "settings-nope": ["x"], "is_staff": "1"})
        assert response.status_code == 302
        assert plans.saved_ticks(user=parent, course=course) == {"app-1": set()}

    def test_a_checklist_changed_by_an_author_mid_save_gets_a_message(self, client, parent, course, monkeypatch):
        def changed(**kwargs):
            raise plans.NotOnChecklist("The checklist changed.")

        monkeypatch.setattr(plans, "save_checklist", changed)
        response = client.post(apps_url(course), {"apps": ["app-1"]})
        assert response.status_code == 200
        assert "The checklist changed." in text(response)

    def test_a_course_without_apps_says_so(self, client, parent):
        bare = make_course(slug="bare")
        assert "There are no apps on the checklist" in text(client.get(apps_url(bare)))

    def test_anonymous_is_sent_to_log_in(self, client, course):
        assert client.get(apps_url(course))["Location"].startswith("/accounts/login/?next=")
        response = client.post(apps_url(course), {"apps": ["app-1"]})
        assert response["Location"].startswith("/accounts/login/?next=")
        assert not FamilyPlan.objects.exists()

    def test_put_is_refused(self, client, parent, course):
        assert client.put(apps_url(course)).status_code == 405

    def test_unknown_course_is_404(self, client, parent):
        assert client.get("/learning/plan/nope/apps/").status_code == 404


class TestTrustedAdultsPage:
    def test_names_are_saved_and_shown_on_the_plan(self, client, parent, course):
        response = client.post(adults_url(course), {"trusted_adults": "Aunty Mere\r\n\r\nKoro, 027 000 0000\r\n"})
        assert response.status_code == 302
        assert response["Location"] == plan_url(course)
        assert plans.trusted_adults(user=parent, course=course) == ["Aunty Mere", "Koro, 027 000 0000"]
        assert "Koro, 027 000 0000" in text(client.get(plan_url(course)))
        assert "Aunty Mere\nKoro, 027 000 0000" in text(client.get(adults_url(course)))

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("\n".join(f"Person {n}" for n in range(7)), "Please name up to 6 people"),
            ("x" * 121, "Please keep each line to 120 characters"),
            ("x" * 1001, "at most 1000 characters"),
            ("a\x00b", "Null characters are not allowed"),
        ],
        ids=["too many", "too long", "far too long", "null"],
    )
    def test_bad_input_gets_a_message_next_to_the_field_and_keeps_the_saved_names(
        self, client, parent, course, value, message
    ):
        plans.save_trusted_adults(user=parent, course=course, names=["Nana"])
        response = client.post(adults_url(course), {"trusted_adults": value})
        assert response.status_code == 200
        assert 'id="id_trusted_adults_error"' in response.content.decode()
        assert message in text(response)
        assert plans.trusted_adults(user=parent, course=course) == ["Nana"]

    def test_anonymous_is_sent_to_log_in(self, client, course):
        response = client.post(adults_url(course), {"trusted_adults": "Nana"})
        assert response["Location"].startswith("/accounts/login/?next=")
        assert not FamilyPlan.objects.exists()

    def test_delete_is_refused(self, client, parent, course):
        assert client.delete(adults_url(course)).status_code == 405


class TestStartersOnLessons:
    def test_a_parent_adds_a_starter_from_the_lesson_and_sees_it_there(self, client, parent, course):
        page = text(client.get(lesson_url(course)))
        assert page.count("Add to my plan") == 3
        response = client.post(starter_url(course, "add"), {"text": STARTERS[2]})
        assert response.status_code == 302
        assert response["Location"] == lesson_url(course) + "#try-saying"
        page = text(client.get(lesson_url(course)))
        assert page.count("Add to my plan") == 2
        assert page.count("In your plan ✓ — remove") == 1
        assert STARTERS[2] in text(client.get(plan_url(course)))

    def test_adding_twice_keeps_one(self, client, parent, course):
        for _ in range(2):
            assert client.post(starter_url(course, "add"), {"text": STARTERS[0]}).status_code == 302
        assert PlanStarter.objects.count() == 1

    @pytest.mark.parametrize("value", ["Not in the lesson", "", "\x00", "x" * 100_000])
    def test_a_starter_not_in_the_lesson_gets_a_message_and_nothing_saved_is_lost(self, client, parent, course, value):
        plans.pick_starter(user=parent, lesson=lesson(course), text=STARTERS[0])
        response = client.post(starter_url(course, "add"), {"text": value})
        assert response.status_code == 302
        assert response["Location"] == lesson_url(course)
        assert "no longer in this lesson" in text(client.get(response["Location"]))
        assert list(PlanStarter.objects.values_list("text", flat=True)) == [STARTERS[0]]

    def test_removing_from_the_lesson_and_twice_is_harmless(self, client, parent, course):
        plans.pick_starter(user=parent, lesson=lesson(course), text=STARTERS[0])
        for _ in range(2):
            response = client.post(starter_url(course, "remove"), {"text": STARTERS[0]})
            assert response["Location"] == lesson_url(course) + "#try-saying"
        assert not PlanStarter.objects.exists()

    def test_removing_from_the_plan_page_returns_there(self, client, parent, course):
        plans.pick_starter(user=parent, lesson=lesson(course), text=STARTERS[0])
        next_url = plan_url(course) + "#plan-starters"
        response = client.post(starter_url(course, "remove"), {"text": STARTERS[0], "next": next_url})
        assert response["Location"] == next_url
        assert not PlanStarter.objects.exists()

    @pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "courses:home", "app-1"])
    def test_a_next_that_is_not_a_path_here_is_ignored(self, client, parent, course, next_url):
        response = client.post(starter_url(course, "add"), {"text": STARTERS[0], "next": next_url})
        assert response["Location"] == lesson_url(course) + "#try-saying"

    def test_a_starter_from_a_lesson_since_made_a_draft_can_still_be_removed(self, client, parent, course):
        plans.pick_starter(user=parent, lesson=lesson(course), text=STARTERS[0])
        Lesson.objects.filter(pk=lesson(course).pk).update(status=Status.DRAFT)
        assert client.post(starter_url(course, "add"), {"text": STARTERS[1]}).status_code == 404
        assert client.post(starter_url(course, "remove"), {"text": STARTERS[0]}).status_code == 302
        assert not PlanStarter.objects.exists()

    def test_removing_text_with_a_nul_byte_changes_nothing_on_any_database(self, client, parent, course):
        build_plan(parent, course)
        assert client.post(starter_url(course, "remove"), {"text": "\x00"}).status_code == 302
        assert PlanStarter.objects.filter(plan__user=parent).count() == 1

    def test_another_parents_starter_is_not_removed(self, client, parent, course):
        plans.pick_starter(user=make_user(), lesson=lesson(course), text=STARTERS[0])
        client.post(starter_url(course, "remove"), {"text": STARTERS[0]})
        assert PlanStarter.objects.count() == 1

    def test_guests_see_no_buttons_and_are_sent_to_log_in(self, client, course):
        page = text(client.get(lesson_url(course)))
        assert STARTERS[0] in page
        assert "Add to my plan" not in page
        response = client.post(starter_url(course, "add"), {"text": STARTERS[0]})
        assert response["Location"] == f"/accounts/login/?next={lesson_url(course)}"
        assert client.post(starter_url(course, "remove"), {"text": STARTERS[0]})["Location"].startswith(
            "/accounts/login/"
        )
        assert not FamilyPlan.objects.exists()

    @pytest.mark.parametrize("action", ["add", "remove"])
    def test_get_is_refused(self, client, parent, course, action):
        assert client.get(starter_url(course, action)).status_code == 405

    @pytest.mark.parametrize("action", ["add", "remove"])
    def test_an_unknown_lesson_is_404(self, client, parent, course, action):
        assert client.post(starter_url(course, action, 1, 9), {"text": STARTERS[0]}).status_code == 404


class TestPrivacySettingsCallout:
    @pytest.fixture
    def privacy_lesson_url(self, course):
        from courses.models import Module

        Module.objects.filter(course=course, slug="module-1").update(slug="privacy-settings")
        course.content_changed()
        return f"/courses/{course.slug}/privacy-settings/lesson-1/"

    def test_a_parent_is_sent_to_the_checklist(self, client, parent, course, privacy_lesson_url):
        response = client.get(privacy_lesson_url)
        assert f'href="{apps_url(course)}"' in response.content.decode()
        assert "Tick off each app’s settings in your family plan" in text(response)

    def test_a_guest_is_sent_to_sign_up(self, client, course, privacy_lesson_url):
        response = client.get(privacy_lesson_url)
        assert response.status_code == 200
        assert f'href="/signup/?next={apps_url(course)}"' in response.content.decode()

    def test_other_modules_have_no_callout(self, client, parent, course):
        assert apps_url(course) not in client.get(lesson_url(course)).content.decode()


@pytest.mark.parametrize("size", [1, 8])
def test_plan_pages_query_count_is_flat(client, django_assert_max_num_queries, size):
    course = make_course(slug="big", modules=size, lessons=2)
    Lesson.objects.filter(module__course=course).update(try_saying="\n".join(STARTERS))
    make_apps(course, size, settings=size + 2)
    user = make_user()
    client.force_login(user)
    for shown in Lesson.objects.filter(module__course=course).select_related("module__course"):
        for line in STARTERS[:2]:
            plans.pick_starter(user=user, lesson=shown, text=line)
    guides = plans.app_guides(course)
    plans.save_checklist(
        user=user,
        course=course,
        apps=[guide.slug for guide in guides],
        ticks={guide.slug: guide.setting_list[:2] for guide in guides},
    )
    plans.save_trusted_adults(user=user, course=course, names=["Nana", "Koro"])
    for url in [plan_url(course), apps_url(course), adults_url(course), lesson_url(course, size, 2)]:
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200, url


@pytest.fixture
def planner(course):
    client = Client()
    client.force_login(make_user())
    return client


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_plan_forms_never_fail(planner, course, data):
    client = planner
    known = ["app-1", "app-2", "App 1 setting 1", "App 2 setting 2", *STARTERS]
    value = st.one_of(st.sampled_from(known), VALUES)
    for path, fields in [
        (apps_url(course), ["apps", "settings-app-1", "settings-app-2"]),
        (adults_url(course), ["trusted_adults"]),
        (starter_url(course, "add"), ["text", "next"]),
        (starter_url(course, "remove"), ["text", "next"]),
    ]:
        posted = data.draw(st.dictionaries(st.sampled_from(fields), st.one_of(value, st.lists(value, max_size=3))))
        response = client.post(path, posted)
        assert response.status_code < 500, (path, posted)
    assert client.get(plan_url(course)).status_code == 200
