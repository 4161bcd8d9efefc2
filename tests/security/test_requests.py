"""Hostile requests: forged forms, state changes by GET, foreign hosts, huge or strange input, open redirects."""

import inspect
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver

from accounts.models import User
from courses.models import Certificate, Enrollment, LessonCompletion, QuizAttempt
from tests.factories import PASSWORD, make_course, make_user
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
# allauth's patterns that are regular expressions name their parts: (?P<key>[-:\w]+).
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
# Stand-ins for parameters the world below does not name, so the URL still matches its converter.
STAND_INS = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000"}
# Views that write on GET on purpose, and why it is harmless.
WRITES_ON_GET: set[str] = set()


def site_urls(resolver=None, prefix=""):
    """(path pattern, view) for every URL of ours; the admin is Django's and is left out."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from site_urls(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry.callback


def declared_methods(view) -> set[str] | None:
    """The methods a view accepts, from require_http_methods or a class-based view; None if undeclared."""
    if view_class := getattr(view, "view_class", None):
        return {method.upper() for method in view_class()._allowed_methods()} - {"OPTIONS"}
    while view is not None:
        methods = inspect.getclosurevars(view).nonlocals.get("request_method_list")
        if methods is not None:
            return set(methods)
        view = getattr(view, "__wrapped__", None)
    return None


def post_only_paths() -> list[str]:
    return sorted(pattern for pattern, view in site_urls() if declared_methods(view) == {"POST"})


@pytest.fixture
def world():
    """A parent with a course, a quiz attempt and a certificate, and the values that fill the URLs."""
    course = make_course(slug="safe", modules=1)
    user = make_user()
    module = course.modules.get()
    attempt = QuizAttempt.objects.create(
        user=user, quiz=module.quiz, token="attempt-token", correct_count=0, question_count=2, score=0, passed=False
    )
    certificate = Certificate.objects.create(user=user, course=course, code="ABCD-EFGH-JKMN", name="Aroha")
    values = {
        "course": course.slug,
        "module": module.slug,
        "lesson": module.lessons.first().slug,
        "token": attempt.token,
        "code": certificate.code,
    }
    return user, values


def fill(pattern: str, values: dict) -> str:
    path = REGEX_GROUP.sub(lambda match: str(values.get(match[1], "x")), pattern)
    path = PARAMETER.sub(lambda match: str(values.get(match[2], STAND_INS.get(match[1], "x"))), path)
    return "/" + path.replace("^", "").replace("$", "")


def test_state_changing_views_are_found():
    # Guards the test below against finding nothing.
    assert {
        "courses/<slug:course>/enrol/",
        "courses/<slug:course>/<slug:module>/<slug:lesson>/complete/",
        "schools/<slug:school>/leave/",
    } <= set(post_only_paths())
    assert "/accounts/confirm-email/x/" in {fill(pattern, {}) for pattern, _view in site_urls()}


@pytest.mark.parametrize("pattern", post_only_paths())
def test_post_only_views_refuse_get_with_405(client, world, pattern):
    user, values = world
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(fill(pattern, values))
    assert response.status_code == 405
    assert "GET" not in response["Allow"]
    assert not [query["sql"] for query in queries if WRITE.match(query["sql"])]


def test_no_get_changes_anything(client, world):
    user, values = world
    client.force_login(user)
    client.get("/")  # the session's first save is not the page's doing
    for pattern, _view in site_urls():
        if pattern in WRITES_ON_GET:
            continue
        path = fill(pattern, values)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        writes = [q["sql"] for q in queries if WRITE.match(q["sql"]) and "django_session" not in q["sql"]]
        assert not writes, f"GET {path} ({response.status_code}) wrote: {writes}"


def test_log_out_takes_a_post(client, world):
    """Its page asks first: a link or an image on another site cannot log anyone out."""
    user, _values = world
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 200
    assert "_auth_user_id" in client.session
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


LOGGED_IN_FORMS = ["/courses/safe/enrol/", "/courses/safe/module-1/lesson-1/complete/", "/accounts/logout/"]


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", *LOGGED_IN_FORMS]
)
def test_a_post_without_the_csrf_token_is_refused(world, path):
    user, _values = world
    client = Client(enforce_csrf_checks=True)
    if path in LOGGED_IN_FORMS:
        client.force_login(user)
    data = {"login": user.email, "password": PASSWORD, "email": user.email, "password1": PASSWORD}
    response = client.post(path, data)
    assert response.status_code == 403
    # Nothing happened: not logged in or out, not enrolled, nothing marked done.
    assert ("_auth_user_id" in client.session) == (path in LOGGED_IN_FORMS)
    assert not Enrollment.objects.filter(user=user).exists()
    assert not LessonCompletion.objects.filter(user=user).exists()


def test_a_post_from_another_site_is_refused_even_with_a_token(world):
    user, _values = world
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("host", ["evil.example", "testserver.evil.example", "testserver@evil.example", "[::1"])
def test_a_foreign_host_header_is_refused(client, host):
    assert client.get("/", headers={"host": host}).status_code == 400


FORMS = {
    "/accounts/login/": {"login": "a@example.nz", "password": "x"},
    "/accounts/signup/": {"email": "a@example.nz", "display_name": "A", "password1": "x"},
    "/accounts/password/reset/": {"email": "a@example.nz"},
}


@pytest.mark.parametrize("path", FORMS)
def test_a_ten_megabyte_body_is_refused_not_a_500(path):
    client = Client(raise_request_exception=False)
    response = client.post(path, {**FORMS[path], "padding": "x" * (10 * 1024 * 1024)})
    assert response.status_code in {400, 413}


@pytest.mark.parametrize("path", FORMS)
def test_a_ten_megabyte_raw_body_is_refused_not_a_500(path):
    client = Client(raise_request_exception=False)
    body = "login=" + "x" * (10 * 1024 * 1024)
    response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in {400, 413}


@pytest.mark.parametrize("path", FORMS)
def test_an_unexpected_file_is_ignored(path):
    client = Client(raise_request_exception=False)
    upload = SimpleUploadedFile("big.bin", b"\0" * (10 * 1024 * 1024))
    assert client.post(path, {**FORMS[path], "file": upload}).status_code < 500


@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize("value", ["x" * 100_000, "a\x00b@example.nz", "\x00", "pass\x00word-long-enough"])
def test_huge_or_nul_fields_get_a_form_error_not_a_500(path, value):
    client = Client(raise_request_exception=False)
    for field in FORMS[path]:
        response = client.post(path, {**FORMS[path], field: value})
        assert response.status_code in {200, 400}, (field, response.status_code)
        assert "_auth_user_id" not in client.session


def test_a_huge_quiz_answer_is_refused_not_a_500(world):
    user, _values = world
    client = Client(raise_request_exception=False)
    client.force_login(user)
    data = {"token": "x" * 100_000, "question-1": ["\x00", "9" * 100_000]}
    assert client.post("/courses/safe/module-1/quiz/", data).status_code in {200, 400}


OUTSIDE = [
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http://evil.example/learning/",
    "https:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://testserver@evil.example/",
]


def assert_ours(response, expected):
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize("target", OUTSIDE)
def test_log_in_never_leads_elsewhere(client, target):
    user = make_user(verified=True)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD, "next": target})
    assert_ours(response, "/learning/")


@pytest.mark.parametrize("target", OUTSIDE)
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_the_log_in_and_sign_up_pages_do_not_carry_a_foreign_next(client, path, target):
    assert "evil.example" not in client.get(path, {"next": target}).content.decode()


@pytest.mark.parametrize("target", OUTSIDE)
def test_log_out_never_leads_elsewhere(client, target):
    client.force_login(make_user())
    assert_ours(client.post("/accounts/logout/", {"next": target}), "/")


@pytest.mark.parametrize("target", OUTSIDE)
def sign_up(client, capture, **extra):
    """Sign up; returns the answer and the link emailed to confirm the address (which logs in)."""
    data = {"email": "new@example.nz", "display_name": "Hine", "password1": "kumara and puha for tea", **extra}
    with capture(execute=True):
        response = client.post("/accounts/signup/", data)
    link = re.search(r"https?://\S+", sent_mail()[-1].body)[0] if sent_mail() else ""
    return response, link


@pytest.mark.parametrize("target", OUTSIDE)
def test_sign_up_never_leads_elsewhere(client, django_capture_on_commit_callbacks, target):
    assert_ours(client.get("/signup/", {"next": target}), "/accounts/signup/")
    response, link = sign_up(client, django_capture_on_commit_callbacks, next=target)
    assert_ours(response, "/accounts/confirm-email/")
    assert_ours(client.post(link), "/learning/")  # confirming logs in, and goes on to our own page
    assert_ours(client.get("/accounts/signup/", {"next": target}), "/learning/")


def test_our_own_next_is_followed(client, django_capture_on_commit_callbacks):
    make_course(slug="safe")
    user = make_user(verified=True)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD, "next": "/courses/safe/"})
    assert_ours(response, "/courses/safe/")
    assert_ours(client.get("/accounts/signup/", {"next": "/courses/safe/"}), "/courses/safe/")
    client.logout()
    assert_ours(client.get("/signup/", {"next": "/courses/safe/"}), "/accounts/signup/?next=%2Fcourses%2Fsafe%2F")
    response, link = sign_up(client, django_capture_on_commit_callbacks, next="/courses/safe/")
    assert_ours(response, "/accounts/confirm-email/")
    assert_ours(client.post(link), "/courses/safe/")


def test_extra_fields_on_sign_up_and_profile_are_ignored(client, django_capture_on_commit_callbacks):
    extra = {"is_staff": "on", "is_superuser": "on", "role": "coordinator", "school": "1", "is_active": "on"}
    sign_up(client, django_capture_on_commit_callbacks, **extra)
    user = User.objects.get(email="new@example.nz")
    client.force_login(user)
    client.post("/accounts/profile/", {"display_name": "Hine P", "email": "other@example.nz", **extra})
    user.refresh_from_db()
    assert (user.display_name, user.is_staff, user.is_superuser) == ("Hine P", False, False)
    assert user.email == "new@example.nz"  # the profile form changes no address


@pytest.mark.parametrize("cookie", ['sessionid="abc\\000def"', "sessionid=abc\x00def", 'csrftoken="\\000"'])
@pytest.mark.parametrize("path", ["/", "/help/", "/accounts/login/"])
def test_a_nul_in_a_cookie_is_refused_with_400(client, cookie, path):
    # Django's cookie parser turns the escaped \000 into a NUL byte, which PostgreSQL refuses in a query.
    response = client.get(path, HTTP_COOKIE=cookie)
    assert response.status_code == 400
