import pytest

from tests.factories import make_course, make_school, make_user


@pytest.fixture
def course(db):
    return make_course(slug="safe", modules=2, lessons=2, questions=2)


@pytest.fixture
def coordinator(db):
    return make_user(email="coord@school.nz", display_name="Coordinator")


@pytest.fixture
def school(course, coordinator):
    return make_school(
        name="Kōwhai School", slug="kowhai", course=course, coordinators=[coordinator], cohorts=["Year 7 2027"]
    )
