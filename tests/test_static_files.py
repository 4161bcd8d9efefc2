"""`make serve` answers static files before Django, exactly as Django's middleware would have."""

import io
import logging

import pytest
from django.templatetags.static import static

from core.static_files import StaticFilesFirst

COMPARED = [
    "Content-Type",
    "Cache-Control",
    "Permissions-Policy",
    "Cross-Origin-Resource-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Access-Control-Allow-Origin",
    "Vary",
]


class Site:
    """Stands for Django behind the wrapper: records what reached it."""

    def __init__(self):
        self.paths = []

    def __call__(self, environ, start_response):
        self.paths.append(environ["PATH_INFO"])
        start_response("204 No Content", [])
        return []


def serve(path, **extra):
    site = Site()
    answered = {}

    def start_response(status, headers):
        answered["status"], answered["headers"] = status, dict(headers)

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
               "QUERY_STRING": "", "SERVER_NAME": "testserver", "SERVER_PORT": "80", **extra}  # fmt: skip
    body = b"".join(StaticFilesFirst(site)(environ, start_response))
    return answered, body, site.paths


def test_a_static_file_has_the_headers_django_would_give_it(client):
    through_django = client.get(static("css/site.css"))
    answered, body, reached = serve(static("css/site.css"))
    assert reached == []
    assert answered["status"] == "200 OK"
    assert body == b"".join(through_django.streaming_content)
    for name in COMPARED:
        assert answered["headers"].get(name) == through_django.headers.get(name), name
    assert "immutable" in answered["headers"]["Cache-Control"]
    assert answered["headers"]["X-Request-ID"]


def test_a_compressed_copy_goes_to_browsers_that_accept_one():
    answered, body, _ = serve(static("css/site.css"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert answered["headers"]["Content-Encoding"] in {"gzip", "br"}
    assert len(body) < int(serve(static("css/site.css"))[0]["headers"]["Content-Length"])


def test_everything_else_goes_on_to_the_site():
    for path in ["/", "/healthz", "/static/no-such-file.css"]:
        answered, _body, reached = serve(path)
        assert reached == [path]
        assert answered["status"] == "204 No Content"


def test_plain_http_goes_on_to_be_redirected_when_the_site_asks_for_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    _answered, _body, reached = serve(static("css/site.css"))
    assert reached == [static("css/site.css")]
    answered, _body, reached = serve(static("css/site.css"), HTTP_X_FORWARDED_PROTO="https")
    assert reached == []
    assert answered["headers"]["Strict-Transport-Security"].startswith("max-age=3600")


def test_each_static_file_is_logged_as_one_line(caplog):
    with caplog.at_level(logging.INFO, logger="sof.requests"):
        serve(static("css/site.css"), HTTP_X_REQUEST_ID="proxy-given-id-1234")
    (record,) = [record for record in caplog.records if record.name == "sof.requests"]
    assert record.fields["status"] == 200
    assert record.fields["request_id"] == "proxy-given-id-1234"
    assert record.fields["route"] is None


@pytest.mark.parametrize("method", ["HEAD", "POST"])
def test_other_methods_get_what_whitenoise_answers(method):
    answered, body, reached = serve(static("css/site.css"), REQUEST_METHOD=method)
    assert reached == []
    assert body == b""
    assert answered["status"].startswith("200" if method == "HEAD" else "405")
