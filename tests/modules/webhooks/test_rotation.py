"""W-1 secret rotation on an injected clock: the old secret keeps signing for 24 h after a
rotation (two signatures, each the one the ``standardwebhooks`` library makes with its
secret) and stops at the end of the overlap (one signature, the new secret's)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from rustok.modules.webhooks.sender import WebhookSender
from tests.conftest import make_settings
from tests.modules.commerce.helpers import signed_in
from tests.modules.webhooks.helpers import create_webhook
from tests.modules.webhooks.receiver import Received, receiving


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # The background sender stays off: the test's sender, on its own clock, does the work.
    return make_settings(
        db_url, tmp_path, rate_limit="0", webhooks_allow_private=True, serve_events=False,
        webhooks_timeout_seconds=2.0,
    )  # fmt: skip


class FakeClock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def _library_signature(secret: str, got: Received) -> str:
    """What ``standardwebhooks`` signs for this request with ``secret`` (not our code)."""
    sent_at = dt.datetime.fromtimestamp(int(got.headers["webhook-timestamp"]), dt.UTC)
    return Webhook(secret).sign(got.headers["webhook-id"], sent_at, got.body)


async def test_the_old_secret_signs_for_24_hours_and_then_stops(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    clock = FakeClock()
    sender = WebhookSender(app.platform, clock=clock)
    try:
        async with receiving() as receiver:
            hook = await create_webhook(client, admin, receiver.url)
            before = dt.datetime.now(dt.UTC)
            rotated = await client.post(
                f"/api/admin/webhooks/{hook['id']}/rotate-secret", headers=admin
            )
            after = dt.datetime.now(dt.UTC)
            assert rotated.status_code == 200, rotated.text
            old, new = hook["secret"], rotated.json()["secret"]
            expires = dt.datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
            overlap = dt.timedelta(hours=24)
            assert before + overlap - dt.timedelta(seconds=1) <= expires <= after + overlap

            async def ping_at(now: dt.datetime) -> Received:
                ping = await client.post(f"/api/admin/webhooks/{hook['id']}/ping", headers=admin)
                assert ping.status_code == 202, ping.text
                clock.now = now
                assert await sender.run_once() == 1
                got = receiver.received[-1]
                assert got.headers["webhook-id"] == ping.json()["event_id"]
                return got

            late_in_overlap = await ping_at(expires - dt.timedelta(minutes=1))
            after_overlap = await ping_at(expires + dt.timedelta(seconds=1))
    finally:
        await sender.stop()
    assert late_in_overlap.headers["webhook-signature"].split(" ") == [
        _library_signature(new, late_in_overlap),
        _library_signature(old, late_in_overlap),
    ]
    assert after_overlap.headers["webhook-signature"] == _library_signature(new, after_overlap)
    read = (await client.get(f"/api/admin/webhooks/{hook['id']}", headers=admin)).json()
    assert "secret" not in read and "previous_secret" not in read
