"""Authors move a whole course in and out of the admin as a zip of its files."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.content_files import course_zip_bytes
from courses.models import Course, Lesson
from tests.courses.content_helpers import BUNDLED, import_folder
from tests.factories import log_in_two_factor, make_author, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_client(client):
    log_in_two_factor(client, make_author())
    return client


@pytest.fixture
def course():
    import_folder(BUNDLED)
    return Course.objects.get()


def upload(client, payload: bytes, name="course.zip"):
    return client.post("/admin/courses/course/import/", {"archive": SimpleUploadedFile(name, payload)}, follow=True)


def test_export_as_zip_downloads_the_course_files(author_client, course):
    response = author_client.get(f"/admin/courses/course/{course.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{course.slug}.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert f"{course.slug}/course.toml" in names
    assert f"{course.slug}/08-response-plan/quiz.toml" in names


def test_course_page_links_export_and_changelist_links_import(author_client, course):
    assert (
        f"/admin/courses/course/{course.pk}/export/"
        in author_client.get(f"/admin/courses/course/{course.pk}/change/").content.decode()
    )
    assert "/admin/courses/course/import/" in author_client.get("/admin/courses/course/").content.decode()


def test_uploading_an_edited_zip_updates_the_course(author_client, course):
    archive = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(course_zip_bytes(course))) as source, zipfile.ZipFile(archive, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("01-grooming.md"):
                data = data.replace(b'title = "What grooming is"', b'title = "What grooming looks like"')
            target.writestr(info, data)
    response = upload(author_client, archive.getvalue())
    assert response.status_code == 200
    assert "1 updated" in response.content.decode()
    assert Lesson.objects.get(slug="grooming").title == "What grooming looks like"


def test_an_invalid_zip_shows_every_problem_and_saves_nothing(author_client, course):
    archive = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(course_zip_bytes(course))) as source, zipfile.ZipFile(archive, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("01-grooming.md"):
                data = data.replace(b'title = "What grooming is"', b'title = ""')
            if info.filename.endswith("02-sextortion.md"):
                data = data.replace(b"minutes = ", b"minutes = -")
            target.writestr(info, data)
    before = list(Lesson.objects.order_by("pk").values_list("title", "minutes"))
    response = upload(author_client, archive.getvalue())
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "01-grooming.md" in html
    assert "02-sextortion.md" in html
    assert list(Lesson.objects.order_by("pk").values_list("title", "minutes")) == before


@pytest.mark.parametrize("payload", [b"not a zip", b""])
def test_a_file_that_is_not_a_zip_gets_a_clear_message(author_client, payload):
    response = upload(author_client, payload)
    assert response.status_code == 200
    html = response.content.decode()
    assert "not a zip file" in html or "submitted file is empty" in html
    assert not Course.objects.exists()


def test_a_zip_that_escapes_its_folder_is_refused(author_client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as target:
        target.writestr("course/../../evil.txt", "x")
    html = upload(author_client, archive.getvalue()).content.decode()
    assert "must stay inside the course folder" in html


def test_parents_cannot_export_or_import(client, course):
    client.force_login(make_user())
    assert client.get(f"/admin/courses/course/{course.pk}/export/").status_code == 302
    assert client.get("/admin/courses/course/import/").status_code == 302
