import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command

from core import memo


@pytest.fixture(scope="session", autouse=True)
def _collected_static_files():
    """Pages link hashed static names, which need the manifest that collectstatic writes."""
    call_command("collectstatic", interactive=False, verbosity=0)


def _forget_everything_kept():
    cache.clear()
    memo.forget_all()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttling counts and cached pages live in the cache and in each process: each test starts with none."""
    _forget_everything_kept()
    yield
    _forget_everything_kept()


@pytest.fixture
def redis_url():
    """A throwaway Redis server on a free port, where redis-server is installed."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _try in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    process.terminate()
    process.wait(timeout=10)
