"""Property-based fuzzing of every public form: whatever is posted, the answer is never a 500."""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses import quizzes
from courses.models import Quiz
from tests.factories import PASSWORD, enable_totp, make_course, make_user

pytestmark = pytest.mark.django_db

# The `db` and `client` fixtures are function-scoped, so a test's examples share one transaction and
# one client (a new client loads the middleware again, slowly): harmless, as each example only needs
# the site to answer, and starts with no throttling counts and no cookies.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a browser could send (lone surrogates cannot be encoded as UTF-8, so no client sends them).
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "x" * 100_000,
        "a@example.nz",
        "A@EXAMPLE.NZ",
        "@",
        "a@b",
        "' OR 1=1 --",
        '"><svg onload=alert(1)>',
        "%00",
        "\u202e\ufeff",
        "😀" * 50,
        "0",
        "-1",
        "99999999999999999999",
        "//evil.example",
        PASSWORD,
    ]
)
VALUE = st.one_of(ANY_TEXT, NASTY)
VALUES = st.one_of(VALUE, st.lists(VALUE, max_size=3))


def form_data(fields: list[str]):
    """The form's own fields (each maybe left out, maybe repeated) plus stray ones such as is_staff."""
    known = st.dictionaries(st.sampled_from(fields), VALUES, max_size=len(fields))
    stray = st.dictionaries(st.one_of(ANY_TEXT, st.sampled_from(["is_staff", "role", "school", "next"])), VALUES)
    return st.tuples(known, stray).map(lambda pair: {**pair[1], **pair[0]})


def post(client, path, data, *, log_out=True):
    # Each example starts afresh: no throttling counts and (unless told) no cookies from the last one.
    cache.clear()
    if log_out:
        client.cookies.clear()
    response = client.post(path, data)
    assert response.status_code < 500, (path, data)
    return response


@FUZZ
@given(data=form_data(["login", "password", "next"]))
def test_log_in_never_fails(client, data):
    post(client, "/accounts/login/", data)


@pytest.fixture
def second_step(client):
    """Someone with an authenticator app, whose password the examples below have just given."""
    user = make_user(verified=True)
    enable_totp(user)
    return client, user


@FUZZ
@given(data=form_data(["code", "next"]))
def test_second_step_never_fails(second_step, data):
    client, user = second_step
    cache.clear()
    client.cookies.clear()
    assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302
    post(client, "/accounts/2fa/authenticate/", data, log_out=False)


@FUZZ
@given(data=form_data(["email", "display_name", "password1", "next"]))
def test_sign_up_never_fails(client, data):
    post(client, "/accounts/signup/", data)


@FUZZ
@given(data=form_data(["email"]))
def test_password_reset_never_fails(client, data):
    post(client, "/accounts/password/reset/", data)


@FUZZ
@given(code=VALUE, next_value=VALUE)
def test_public_links_never_fail(client, code, next_value):
    code = quote(code, safe="")
    for path in [
        f"/certificates/{code}/",
        f"/accounts/confirm-email/{code}/",
        f"/accounts/password/reset/key/1-{code}/",
        f"/accounts/login/?next={quote(next_value)}",
    ]:
        assert client.get(path).status_code < 500, path


@pytest.fixture
def quiz_taker(client):
    course = make_course(slug="safe", modules=1, questions=3)
    user = make_user()
    client.force_login(user)
    quiz = Quiz.objects.get(module__course=course)
    return client, user, quiz


@FUZZ
@given(data=st.data())
def test_quiz_answers_never_fail(quiz_taker, data):
    client, user, quiz = quiz_taker
    shown = quizzes.prepare(quiz)
    # Half the examples answer every question with one of its own choices, so scoring runs too.
    honest = data.draw(st.booleans())
    answers = {}
    for question, choices in shown.questions:
        own = st.sampled_from([str(choice.pk) for choice in choices])
        mixed = st.one_of(st.lists(st.one_of(own, VALUE), max_size=3), VALUE, st.none())
        answer = data.draw(own if honest else mixed)
        if answer is not None:
            answers[quizzes.QuizForm.field_name(question)] = answer
    token = shown.signed(user) if honest else data.draw(st.one_of(st.just(shown.signed(user)), VALUE))
    stray = data.draw(st.dictionaries(ANY_TEXT, VALUES, max_size=3))
    response = post(client, "/courses/safe/module-1/quiz/", {**stray, **answers, "token": token}, log_out=False)
    assert not response.get("Location", "").startswith("/accounts/login/")
