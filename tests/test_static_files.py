"""Static files are served by the site itself (WhiteNoise's middleware, first), with the security headers of
every page but never a signed-in parent's no-store, compressed where the browser accepts it, and cached for ever."""

import logging

import pytest
from django.templatetags.static import static

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def get(client, path, **headers):
    response = client.get(path, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_a_static_file_is_cached_for_ever_with_the_sites_security_headers(client):
    response, body = get(client, static("css/site.css"))
    assert response.status_code == 200
    assert body
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Permissions-Policy"]
    assert response["Referrer-Policy"]


def test_a_compressed_copy_goes_to_browsers_that_accept_one(client):
    _plain, plain_body = get(client, static("css/site.css"))
    compressed, compressed_body = get(client, static("css/site.css"), accept_encoding="gzip, br")
    assert compressed["Content-Encoding"] in {"gzip", "br"}
    assert len(compressed_body) < len(plain_body)


def test_a_signed_in_parent_gets_the_same_cacheable_file(client):
    client.force_login(make_user())
    response, _ = get(client, static("css/site.css"))
    assert "no-store" not in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]


def test_a_missing_static_file_is_the_sites_404(client):
    response = client.get("/static/no-such-file.css")
    assert response.status_code == 404


def test_static_files_are_answered_before_the_request_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="sof.requests"):
        get(client, static("css/site.css"))
        client.get("/help/")
    assert [record.fields["route"] for record in caplog.records if record.name == "sof.requests"] == ["courses:help"]
