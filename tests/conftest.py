import email
import shutil
import socket
import subprocess
import time

import pytest
import redis
from aiosmtpd.controller import Controller
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


class SmtpServer:
    """A real SMTP server on a port of its own, which a test starts and stops (down: nothing listens)."""

    def __init__(self):
        self.port = _free_port()
        self.messages: list[email.message.Message] = []
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        message["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def mailer_settings(self) -> dict:
        """What MAILERS says to send here (plain SMTP, as to a relay on the same network)."""
        options = {"host": "127.0.0.1", "port": self.port, "use_tls": False, "timeout": 5}
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}}


@pytest.fixture
def smtp_server():
    """An SMTP server, not yet started: `smtp_server.start()` brings it up."""
    server = SmtpServer()
    yield server
    server.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
