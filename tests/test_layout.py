"""Every page's frame: skip link, one h1, landmarks, help link, quick exit, nothing from elsewhere."""

from urllib.parse import urlsplit

import pytest

from tests.factories import make_user
from tests.html import structure

PUBLIC_PAGES = [
    "/",
    "/help/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/confirm-email/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
]
# allauth's pages for someone signed in, drawn in the same frame.
SIGNED_IN_PAGES = ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/reauthenticate/"]
PAGES = PUBLIC_PAGES + SIGNED_IN_PAGES


def open_page(client, path):
    if path in SIGNED_IN_PAGES:
        client.force_login(make_user(verified=True))
    return client.get(path)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_page_has_the_shared_frame(client, path):
    response = open_page(client, path)
    assert response.status_code == 200
    page = structure(response)

    first_tag, first_attrs = page.focusable[0]
    assert first_tag == "a"
    assert first_attrs["href"] == "#main"
    assert "skip-link" in first_attrs["class"]

    assert page.count("h1") == 1
    assert page.count("header") == 1
    assert page.count("main") == 1
    assert page.count("footer") == 1
    assert page.count("nav") >= 1
    main_ids = [attrs.get("id") for tag, attrs in page.tags if tag == "main"]
    assert main_ids == ["main"]

    hrefs = [attrs.get("href") for tag, attrs in page.tags if tag == "a"]
    assert "/help/" in hrefs
    quick_exits = [attrs for tag, attrs in page.tags if tag == "a" and "data-quick-exit" in attrs]
    assert len(quick_exits) == 1
    assert urlsplit(quick_exits[0]["href"]).scheme == "https"


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_nothing_from_another_host(client, path):
    page = structure(open_page(client, path))
    loaded = page.loaded_urls()
    assert loaded, "the page should load at least its stylesheet"
    for url in loaded:
        parts = urlsplit(url)
        assert not parts.scheme, f"{path} loads {url} from another host"
        assert not parts.netloc, f"{path} loads {url} from another host"


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_no_autofocus_anywhere(client, path):
    assert not structure(open_page(client, path)).with_attribute("autofocus")


@pytest.mark.django_db
def test_page_declares_a_favicon_and_the_ico_path_answers(client):
    page = structure(client.get("/"))
    icons = [attrs["href"] for tag, attrs in page.tags if tag == "link" and attrs.get("rel") == "icon"]
    assert len(icons) == 1
    icon = client.get(icons[0])
    assert icon.status_code == 200
    icon.close()

    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == icons[0]


@pytest.mark.django_db
def test_static_files_have_hashed_names_and_compressed_copies(client):
    page = structure(client.get("/help/"))
    stylesheet = next(attrs["href"] for tag, attrs in page.tags if tag == "link" and attrs.get("rel") == "stylesheet")
    assert stylesheet.startswith("/static/css/site.")
    assert stylesheet != "/static/css/site.css", "the name should carry a content hash"

    response = client.get(stylesheet, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    response.close()
