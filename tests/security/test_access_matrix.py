"""Every page, for every kind of visitor: who gets it, who is sent to log in, and who gets a 404.

Parent A has attempts, a certificate and a plan; parent B must never see them. Coordinators see
their own school and a 404 for the other. Staff manage schools in the admin, not through a
coordinator's pages. A new URL pattern fails `test_the_table_covers_every_page` until it is added.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from courses import plans
from courses.models import Certificate, QuizAttempt
from schools.models import Invitation, Membership
from tests.factories import log_in_two_factor, make_course, make_school, make_staff, make_user

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "parent_a", "parent_b", "coordinator_1", "coordinator_2", "staff"]
OK, LOGIN, SIGN_UP, GONE = 200, "login", "sign-up", 404
ALL_OK = dict.fromkeys(ROLES, OK)
MEMBERS_OK = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN}


def only(status_for_others, **statuses):
    return {role: statuses.get(role, status_for_others) for role in ROLES}


# path template → expected GET status per role. {school1}, {school2}, {code1}, {token_a}, {course} ...
GETS = {
    "/": ALL_OK,
    "/help/": ALL_OK,
    "/privacy/": ALL_OK,
    "/favicon.ico": dict.fromkeys(ROLES, 302),  # to the hashed icon
    "/healthz": ALL_OK,
    "/signup/": {**dict.fromkeys(ROLES, 302), "anonymous": OK},
    "/accounts/login/": ALL_OK,
    "/admin/login/": dict.fromkeys(ROLES, 302),  # to the site's log-in, which asks for the second step
    "/accounts/password_reset/": ALL_OK,
    "/accounts/password_reset/done/": ALL_OK,
    "/accounts/reset/done/": ALL_OK,
    "/accounts/reset/MQ/set-password/": ALL_OK,  # a stale link: the page says so
    "/accounts/password_change/": MEMBERS_OK,
    "/accounts/password_change/done/": MEMBERS_OK,
    "/accounts/profile/": MEMBERS_OK,
    "/accounts/email/": MEMBERS_OK,
    "/accounts/email/verify/some-token/": ALL_OK,
    "/accounts/my-data/": MEMBERS_OK,
    "/accounts/delete/": MEMBERS_OK,
    "/accounts/two-factor/": MEMBERS_OK,
    "/accounts/two-factor/verify/": {**dict.fromkeys(ROLES, OK), "anonymous": 302},
    "/learning/": MEMBERS_OK,
    "/learning/certificates/{course}/": only(GONE, anonymous=LOGIN, parent_a=OK),
    "/learning/plan/{course}/": MEMBERS_OK,
    "/learning/plan/{course}/apps/": MEMBERS_OK,
    "/learning/plan/{course}/trusted-adults/": MEMBERS_OK,
    "/certificates/{certificate}/": ALL_OK,
    "/courses/{course}/": ALL_OK,
    "/courses/{course}/module-1/": ALL_OK,
    "/courses/{course}/module-1/lesson-1/": ALL_OK,
    "/courses/{course}/module-2/lesson-1/": {**ALL_OK, "anonymous": SIGN_UP},  # guests read the first module
    "/courses/{course}/module-1/quiz/": MEMBERS_OK,
    "/courses/{course}/module-1/quiz/results/{token_a}/": only(GONE, anonymous=LOGIN, parent_a=OK),
    "/join/": ALL_OK,
    "/join/{code1}/": {**ALL_OK, "anonymous": 302},
    "/invitations/{invitation}/": {**ALL_OK, "anonymous": 302},
    "/reminders/stop/{stop_a}/": ALL_OK,  # the emailed link works without logging in
    "/schools/": ALL_OK,  # visitors read what a school page offers
    "/schools/request/": MEMBERS_OK,
    **{
        f"/schools/{{school1}}/{page}": only(GONE, anonymous=LOGIN, coordinator_1=OK)
        for page in ["", "export.csv", "invite/", "invitations/", "cohorts/", "flyer/"]
    },
    **{
        f"/schools/{{school2}}/{page}": only(GONE, anonymous=LOGIN, coordinator_2=OK)
        for page in ["", "export.csv", "invite/", "invitations/", "cohorts/", "flyer/"]
    },
}

# Pages that only take a POST: a GET is a 405 for everyone.
POST_ONLY = [
    "/accounts/logout/",
    "/accounts/email/verify/",
    "/courses/{course}/enrol/",
    "/courses/{course}/module-1/lesson-1/complete/",
    "/learning/plan/{course}/starters/module-1/lesson-1/add/",
    "/learning/plan/{course}/starters/module-1/lesson-1/remove/",
    "/schools/{school1}/remind/",
    "/schools/{school1}/invitations/{invitation_pk}/resend/",
    "/schools/{school1}/invitations/{invitation_pk}/revoke/",
    "/schools/{school1}/leave/",
]

# Each URL pattern (by name) and the table rows that stand for it.
COVERED = {
    "courses:home", "courses:help", "privacy", "courses:favicon", "healthz", "courses:signup", "login", "logout",
    "admin-login", "password_reset", "password_reset_done", "password_reset_complete", "password_reset_confirm",
    "password_change", "password_change_done", "accounts:profile", "accounts:change-email",
    "accounts:resend-verification", "accounts:verify-email", "accounts:download-data", "accounts:delete-account",
    "accounts:two-factor-setup", "accounts:two-factor-verify", "courses:learning", "courses:certificate",
    "courses:plan", "courses:plan-apps", "courses:plan-trusted-adults", "courses:plan-starter-add",
    "courses:plan-starter-remove", "courses:certificate-verify", "courses:course-detail", "courses:enrol",
    "courses:module-detail", "courses:quiz", "courses:quiz-result", "courses:lesson-detail",
    "courses:lesson-complete", "schools:join", "schools:join-code", "schools:invitation", "schools:stop-reminders",
    "schools:school-list", "schools:request-school", "schools:dashboard", "schools:export", "schools:invite",
    "schools:invitations", "schools:invitation-resend", "schools:invitation-revoke", "schools:remind",
    "schools:cohorts", "schools:flyer", "schools:leave",
}  # fmt: skip


@pytest.fixture
def world():
    course = make_course(slug="safe", modules=2, lessons=1, questions=1)
    parent_a = make_user(email="a@example.nz", display_name="Parent A", verified=True)
    parent_b = make_user(email="b@example.nz", display_name="Parent B", verified=True)
    coordinator_1, coordinator_2 = make_user(email="c1@school.nz"), make_user(email="c2@school.nz")
    school1 = make_school(slug="school-one", course=course, coordinators=[coordinator_1], families=[parent_a])
    school2 = make_school(slug="school-two", course=course, coordinators=[coordinator_2], families=[parent_b])
    quiz = course.modules.get(slug="module-1").quiz
    attempt = QuizAttempt.objects.create(
        user=parent_a, quiz=quiz, token="attempt-of-a", correct_count=1, question_count=1, score=100, passed=True
    )
    Certificate.objects.create(user=parent_a, course=course, code="AAAA-BBBB-CCCC", name="Parent A")
    plans.save_trusted_adults(user=parent_a, course=course, names=["Aunty Secret of A"])
    invitation = Invitation(school=school1, email="new@example.nz")
    token = invitation.new_token()
    invitation.save()
    users = {
        "parent_a": parent_a,
        "parent_b": parent_b,
        "coordinator_1": coordinator_1,
        "coordinator_2": coordinator_2,
        "staff": make_staff(),
    }
    values = {
        "course": course.slug,
        "certificate": "AAAA-BBBB-CCCC",
        "token_a": attempt.token,
        "school1": school1.slug,
        "school2": school2.slug,
        "code1": school1.join_code,
        "invitation": token,
        "invitation_pk": invitation.pk,
        "stop_a": Membership.objects.get(school=school1, user=parent_a).reminder_token,
    }
    return users, values


def as_role(client, world, role):
    users, _values = world
    if role != "anonymous":
        log_in_two_factor(client, users[role])


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_expected(client, world, role):
    _users, values = world
    as_role(client, world, role)
    wrong = []
    for template, expected in GETS.items():
        path = template.format(**values)
        response = client.get(path)
        want = expected[role]
        if want in (LOGIN, SIGN_UP):
            start = "/accounts/login/" if want == LOGIN else "/signup/"
            ok = response.status_code == 302 and response["Location"].startswith(start)
        else:
            ok = response.status_code == want
        if not ok:
            wrong.append(f"{path}: {response.status_code}, expected {want}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_post_only_pages_refuse_a_get(client, world, role):
    _users, values = world
    as_role(client, world, role)
    for template in POST_ONLY:
        assert client.get(template.format(**values)).status_code == 405, template


@pytest.mark.parametrize("role", ["parent_b", "coordinator_1", "coordinator_2", "staff"])
def test_nobody_else_sees_parent_as_plan_attempts_or_progress(client, world, role):
    as_role(client, world, role)
    for path in ["/learning/", "/learning/plan/safe/", "/learning/plan/safe/trusted-adults/", "/accounts/my-data/"]:
        body = client.get(path).content.decode()
        assert "Aunty Secret of A" not in body, path
        assert "attempt-of-a" not in body, path
        assert "a@example.nz" not in body, path


def test_coordinators_see_their_familys_completion_but_never_their_answers(client, world):
    as_role(client, world, "coordinator_1")
    dashboard = client.get("/schools/school-one/").content.decode()
    export = b"".join(client.get("/schools/school-one/export.csv").streaming_content).decode()
    for body in (dashboard, export):
        assert "a@example.nz" in body
        assert "b@example.nz" not in body
        assert "100%" not in body
        assert "attempt-of-a" not in body


def test_the_table_covers_every_page():
    def names(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from names(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}{pattern.name}"

    assert set(names(get_resolver().url_patterns)) == COVERED
