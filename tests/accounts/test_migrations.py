"""Migrations of accounts: everyone can still log in with the address they know."""

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_LOWER_CASE = ("accounts", "0003_two_factor")


@pytest.fixture
def latest_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_addresses_move_to_lower_case_and_still_log_in(latest_afterwards):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_LOWER_CASE])
    old_user = executor.loader.project_state([BEFORE_LOWER_CASE]).apps.get_model("accounts", "User")
    old_user.objects.create(email="Aroha.Smith@Example.NZ", password=make_password(PASSWORD))
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from accounts.models import User

    assert User.objects.get().email == "aroha.smith@example.nz"
    for typed in ("Aroha.Smith@Example.NZ", "aroha.smith@example.nz"):
        client = Client()
        response = client.post("/accounts/login/", {"username": typed, "password": PASSWORD})
        assert response.status_code == 302
        assert "_auth_user_id" in client.session
