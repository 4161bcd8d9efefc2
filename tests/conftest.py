import pytest
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files():
    """Pages link hashed static names, which need the manifest that collectstatic writes."""
    call_command("collectstatic", interactive=False, verbosity=0)
