"""W-3: an endpoint that never completes the TCP handshake is given up after the connect
timeout (5 s by default; the attempt's whole timeout bounds the rest) and the delivery is
retried later; the default concurrency per endpoint is 4 requests in flight."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from rustok.modules.webhooks import sender as sender_module
from rustok.modules.webhooks.sender import WebhookSender
from rustok.modules.webhooks.settings import WebhooksSettings
from tests.conftest import make_settings
from tests.modules.commerce.helpers import signed_in
from tests.modules.webhooks.helpers import create_webhook, deliveries, only_attempt, ping_once
from tests.modules.webhooks.receiver import receiving


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # The background sender stays off: the test's sender makes the one attempt. The whole
    # attempt may take 30 s, so only the connect timeout can end this one.
    return make_settings(
        db_url, tmp_path, rate_limit="0", webhooks_allow_private=True, serve_events=False,
        webhooks_timeout_seconds=30.0,
    )  # fmt: skip


@contextmanager
def handshake_never_completes() -> Iterator[str]:
    """A listening port whose accept queue is full and never read: the kernel drops further
    SYNs, so a connection attempt hangs in the handshake (a firewalled or dead host)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):  # more than the queue holds; the later ones hang themselves
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_the_connect_timeout_is_5_s() -> None:
    assert sender_module.CONNECT_TIMEOUT == 5.0
    assert WebhooksSettings().timeout_seconds == 15.0
    assert WebhooksSettings().concurrency == 4


async def test_an_endpoint_that_never_accepts_is_given_up_after_the_connect_timeout(
    client: httpx.AsyncClient, app: RustokApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sender_module, "CONNECT_TIMEOUT", 0.5)
    with handshake_never_completes() as url:
        await ping_once(client, app, url)
    attempt = await only_attempt(app.platform)
    [delivery] = await deliveries(app.platform)
    assert attempt.status_code is None
    assert attempt.error is not None and attempt.error.startswith("ConnectTimeout"), attempt.error
    # Given up by the connect timeout, not by the attempt's 30 s.
    assert attempt.duration_ms < 30_000
    assert (delivery.status, delivery.attempts) == ("pending", 1)


async def test_at_most_4_requests_are_in_flight_to_one_endpoint_by_default(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """Ten deliveries due at once to an endpoint that answers after 1 s: the sender keeps
    exactly the default 4 in flight (4, then 4, then 2), never more."""
    answer_after = 1.0
    admin = await signed_in(client, app, "admin")
    async with receiving(delay=answer_after) as receiver:
        hook = await create_webhook(client, admin, receiver.url)
        for _ in range(10):
            ping = await client.post(f"/api/admin/webhooks/{hook['id']}/ping", headers=admin)
            assert ping.status_code == 202, ping.text
        sender = WebhookSender(app.platform)
        await sender.start()
        try:
            for _ in range(300):
                if len(receiver.received) == 10:
                    break
                await asyncio.sleep(0.05)
        finally:
            await sender.stop()
    arrivals = sorted(r.at for r in receiver.received)
    assert len(arrivals) == 10
    # A request is in flight for the 1 s its answer takes: the most that arrived within
    # less than that of each other were in flight together.
    together = max(
        sum(1 for later in arrivals if start <= later < start + answer_after * 0.9)
        for start in arrivals
    )
    assert together == 4
