import pytest
from django.core.cache import cache
from django.core.management import call_command

from config.templatetags import fragments
from courses import progress
from schools import dashboard


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files():
    """Pages link hashed static names, which need the manifest that collectstatic writes."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttling counts live in the cache: each test starts with none, whatever ran before it."""
    cache.clear()
    progress.forget_cached_structures()
    dashboard.forget_snapshots()
    fragments.forget_fragments()
    yield
    cache.clear()
    progress.forget_cached_structures()
    dashboard.forget_snapshots()
    fragments.forget_fragments()
