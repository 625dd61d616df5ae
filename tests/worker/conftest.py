"""Worker fixtures: a queue of its own per test (a SQLite file, or Redis with its own prefix) and
a real SMTP server (aiosmtpd) that keeps what it receives."""
from __future__ import annotations

import email
import email.policy
import os
import secrets
import socket
import threading

import pytest
from huey.storage import SqliteStorage

from tests.conftest import free_port


@pytest.fixture
def queue(tmp_path, monkeypatch):
    """shop.worker's Huey on a fresh SQLite file for this test."""
    from shop import worker
    storage = SqliteStorage(name=worker.huey.name, filename=str(tmp_path / "huey.db"))
    monkeypatch.setattr(worker.huey, "storage", storage)
    return worker.huey


def redis_url() -> str | None:
    """The local Redis server, or None (a skip; a failure under REQUIRE_REDIS=1)."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    with socket.socket() as s:
        s.settimeout(1)
        if s.connect_ex(("127.0.0.1", 6379)) == 0:
            return url
    if os.environ.get("REQUIRE_REDIS") == "1":
        pytest.fail("no Redis on 127.0.0.1:6379 and REQUIRE_REDIS=1")
    pytest.skip("no Redis on 127.0.0.1:6379")
    return None


@pytest.fixture
def redis_queue(monkeypatch):
    """shop.worker's Huey on the local Redis, under a key prefix of this test's own."""
    from huey.storage import RedisStorage

    from shop import worker
    url = redis_url()
    storage = RedisStorage(name=f"test-{secrets.token_hex(4)}", url=url)
    monkeypatch.setattr(worker.huey, "storage", storage)
    yield worker.huey
    storage.flush_all()
    storage.conn.close()


class Mailbox:
    """What the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 20) -> list[email.message.EmailMessage]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return list(self.messages)


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port: yields (host, port, mailbox)."""
    from aiosmtpd.controller import Controller
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, mailbox
    finally:
        controller.stop()
