"""Every page, for every kind of visitor: who gets it, who is sent to log in, and who gets a 404.

Parent A has attempts, a certificate and a plan; parent B must never see them. Coordinators see
their own school and a 404 for the other. Staff manage schools in the admin, not through a
coordinator's pages. A new URL pattern fails `test_the_table_covers_every_page` until it is added.
"""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.webauthn.internal.auth import WebAuthn
from django.urls import URLPattern, URLResolver, get_resolver

from courses import plans
from courses.models import Certificate, QuizAttempt
from schools.models import Invitation, Membership
from tests.factories import PASSWORD, log_in_two_factor, make_course, make_school, make_staff, make_user

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "parent_a", "parent_b", "coordinator_1", "coordinator_2", "staff"]
OK, GONE, REFUSED = 200, 404, 403
# An expectation that is a path: a redirect to a URL that starts with it.
LOGIN = "/accounts/login/"
SIGN_UP = "/signup/"
ONWARD = "/learning/"  # where the log-in and sign-up pages send someone already signed in
RECENT_LOG_IN = "/accounts/reauthenticate/"  # changing a second factor needs a log-in from minutes ago


def only(status_for_others, **statuses):
    return {role: statuses.get(role, status_for_others) for role in ROLES}


ALL_OK = dict.fromkeys(ROLES, OK)
MEMBERS_OK = {**ALL_OK, "anonymous": LOGIN}
FOR_VISITORS = only(ONWARD, anonymous=OK)
RECENT_MEMBERS = only(RECENT_LOG_IN, anonymous=LOGIN)

# path template → expected GET status (or redirect) per role. {school1}, {school2}, {code1}, {token_a}, {course} ...
GETS = {
    "/": ALL_OK,
    "/help/": ALL_OK,
    "/privacy/": ALL_OK,
    "/favicon.ico": dict.fromkeys(ROLES, 302),  # to the hashed icon
    "/healthz": ALL_OK,
    "/signup/": dict.fromkeys(ROLES, "/accounts/signup/"),
    "/accounts/signup/": FOR_VISITORS,
    "/accounts/login/": FOR_VISITORS,
    "/accounts/logout/": {**ALL_OK, "anonymous": 302},  # a page with the log-out button; GET logs nobody out
    "/accounts/inactive/": ALL_OK,
    # The admin's own password form is never shown: visitors go to the site's log-in (and its second step),
    # staff on to the admin, everyone else is refused.
    "/admin/login/": only(REFUSED, anonymous=LOGIN, staff="/admin/"),
    "/accounts/login/code/confirm/": only(ONWARD, anonymous=LOGIN),  # no code was asked for
    "/accounts/password/reset/": ALL_OK,
    "/accounts/password/reset/done/": ALL_OK,
    "/accounts/password/reset/key/done/": ALL_OK,
    "/accounts/password/reset/key/1-set-password/": ALL_OK,  # a stale link: the page says so
    "/accounts/password/change/": MEMBERS_OK,
    "/accounts/password/set/": only("/accounts/password/change/", anonymous=LOGIN),
    "/accounts/reauthenticate/": MEMBERS_OK,
    "/accounts/reauthenticate/code/": MEMBERS_OK,
    "/accounts/reauthenticate/code/confirm/": only("/accounts/reauthenticate/code/", anonymous=LOGIN),
    "/accounts/profile/": MEMBERS_OK,
    "/accounts/email/": MEMBERS_OK,
    "/accounts/confirm-email/": ALL_OK,
    "/accounts/confirm-email/some-key/": ALL_OK,  # an unknown key: the page says so
    "/accounts/my-data/": MEMBERS_OK,
    "/accounts/delete/": MEMBERS_OK,  # the page asks for a fresh log-in before it deletes anything
    "/accounts/2fa/": MEMBERS_OK,
    "/accounts/2fa/authenticate/": only(ONWARD, anonymous=LOGIN),  # no log-in waits for it
    "/accounts/2fa/reauthenticate/": MEMBERS_OK,
    "/accounts/2fa/totp/activate/": RECENT_MEMBERS,
    "/accounts/2fa/totp/deactivate/": RECENT_MEMBERS,
    "/accounts/2fa/recovery-codes/": RECENT_MEMBERS,
    "/accounts/2fa/recovery-codes/generate/": RECENT_MEMBERS,
    "/accounts/2fa/recovery-codes/download/": RECENT_MEMBERS,
    "/accounts/2fa/webauthn/": MEMBERS_OK,
    "/accounts/2fa/webauthn/add/": RECENT_MEMBERS,
    "/accounts/2fa/webauthn/reauthenticate/": only(RECENT_LOG_IN, anonymous=LOGIN),
    "/accounts/2fa/webauthn/keys/1/edit/": RECENT_MEMBERS,  # another's passkey: see the test below
    "/accounts/2fa/webauthn/keys/1/remove/": RECENT_MEMBERS,
    "/accounts/2fa/webauthn/login/": only(ONWARD, anonymous=LOGIN),  # a passkey answers by POST
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
    "/digest/stop/{stop_c1}/": ALL_OK,  # the same, for a coordinator's weekly digest
    "/digest/stop/{stop_a}/": dict.fromkeys(ROLES, GONE),  # a family's token stops no digest
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
    "courses:home", "courses:help", "privacy", "courses:favicon", "healthz", "courses:signup",
    "account_login", "account_logout", "account_inactive", "account_signup", "account_reauthenticate",
    "account_request_reauthentication_code", "account_confirm_reauthentication_code", "account_email",
    "account_email_verification_sent", "account_confirm_email", "account_change_password", "account_set_password",
    "account_reset_password", "account_reset_password_done", "account_reset_password_from_key",
    "account_reset_password_from_key_done", "account_confirm_login_code", "mfa_index", "mfa_authenticate",
    "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp", "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes", "mfa_download_recovery_codes", "mfa_list_webauthn", "mfa_add_webauthn",
    "mfa_reauthenticate_webauthn", "mfa_remove_webauthn", "mfa_edit_webauthn", "mfa_login_webauthn",
    "accounts:profile", "accounts:download-data", "accounts:delete-account",
    "courses:learning", "courses:certificate",
    "courses:plan", "courses:plan-apps", "courses:plan-trusted-adults", "courses:plan-starter-add",
    "courses:plan-starter-remove", "courses:certificate-verify", "courses:course-detail", "courses:enrol",
    "courses:module-detail", "courses:quiz", "courses:quiz-result", "courses:lesson-detail",
    "courses:lesson-complete", "schools:join", "schools:join-code", "schools:invitation", "schools:stop-reminders",
    "schools:stop-digest",
    "schools:school-list", "schools:request-school", "schools:dashboard", "schools:export", "schools:invite",
    "schools:invitations", "schools:invitation-resend", "schools:invitation-revoke", "schools:remind",
    "schools:cohorts", "schools:flyer", "schools:leave",
}  # fmt: skip


@pytest.fixture
def world():
    course = make_course(slug="safe", modules=2, lessons=1, questions=1)
    parent_a = make_user(email="a@example.nz", display_name="Parent A", verified=True)
    parent_b = make_user(email="b@example.nz", display_name="Parent B", verified=True)
    coordinator_1 = make_user(email="c1@school.nz", verified=True)
    coordinator_2 = make_user(email="c2@school.nz", verified=True)
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
        "stop_c1": Membership.objects.get(school=school1, user=coordinator_1).reminder_token,
    }
    return users, values


def as_role(client, world, role):
    users, _values = world
    if role != "anonymous":
        log_in_two_factor(client, users[role])
        RecoveryCodes.activate(users[role])  # made with the authenticator app, as allauth does


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_expected(client, world, role):
    _users, values = world
    as_role(client, world, role)
    client.raise_request_exception = False  # a crash is one wrong row, not the end of the table
    wrong = []
    for template, expected in GETS.items():
        path = template.format(**values)
        response = client.get(path)
        want = expected[role]
        if isinstance(want, str):
            ok = response.status_code == 302 and response["Location"].startswith(want)
        else:
            ok = response.status_code == want
        if not ok:
            wrong.append(f"{path}: {response.status_code} {response.get('Location', '')}, expected {want}")
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


def test_nobody_else_can_rename_or_remove_a_passkey(client, world):
    users, _values = world
    passkey = WebAuthn.add(users["parent_a"], "Phone of A", credential={}).instance
    as_role(client, world, "parent_b")
    # Both pages ask for a log-in from minutes ago: past that, only the owner's passkeys are found.
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    for action in ("edit", "remove"):
        path = f"/accounts/2fa/webauthn/keys/{passkey.pk}/{action}/"
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"name": "Mine now"}).status_code == 404, path
    passkey.refresh_from_db()
    assert passkey.data["name"] == "Phone of A"

    client.logout()
    as_role(client, world, "parent_a")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get(f"/accounts/2fa/webauthn/keys/{passkey.pk}/edit/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_nobody_is_shown_the_admins_own_password_form(client, world, role):
    """Its log-in would make a session without the second step: everyone is sent on or refused."""
    as_role(client, world, role)
    response = client.get("/admin/login/")
    assert response.status_code in {302, 403}
    assert 'type="password"' not in response.content.decode()


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
