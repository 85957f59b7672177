"""W-3 retries, on an injected clock: attempts follow the schedule (±10 % jitter), stop at
the first success, end in ``failed`` with ``webhook.delivery_failed`` published; every
attempt carries the same ``webhook-id``; an endpoint failing for 5 days is switched off
with ``webhook.disabled``, and switching it on again starts afresh."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.context import use_context
from rustok.core.settings import Settings
from rustok.modules.webhooks.figures import record_figures
from rustok.modules.webhooks.models import WebhookAttempt, WebhookDelivery
from rustok.modules.webhooks.sender import WebhookSender
from tests.conftest import make_settings
from tests.modules.commerce.helpers import outbox, signed_in, tenant_context
from tests.modules.webhooks.helpers import create_webhook, deliveries
from tests.modules.webhooks.receiver import receiving
from tests.outbox.support import Ticked, runtime_of, wait_until

SCHEDULE = (5.0, 60.0, 300.0, 1800.0, 7200.0, 21600.0, 43200.0, 86400.0)


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


async def _raise_ticked(app: RustokApp, n: int = 0) -> None:
    with use_context(await tenant_context(app)):
        async with app.platform.uow() as uow:
            uow.publish(Ticked(thing_id=uuid_of(n), n=n))
            await uow.commit()


def uuid_of(n: int) -> uuid.UUID:
    return uuid.UUID(int=n + 1)


async def _delivery(app: RustokApp) -> WebhookDelivery:
    async def written() -> bool:
        return bool(await deliveries(app.platform))

    await wait_until(written, what="the delivery row")
    return (await deliveries(app.platform))[-1]


async def _attempts(app: RustokApp, delivery_id: object) -> list[WebhookAttempt]:
    async with app.platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.attempted_at)
        )
        return list(rows)


async def _run_until_done(
    app: RustokApp, sender: WebhookSender, clock: FakeClock, delivery_id: object
) -> list[float]:
    """Send whenever due; return the delays the schedule chose (checking none is early)."""
    delays: list[float] = []
    clock.now = dt.datetime.now(dt.UTC)  # the row was due when written
    while True:
        assert await sender.run_once() == 1
        [row] = [d for d in await deliveries(app.platform) if d.id == delivery_id]
        if row.status != "pending":
            return delays
        assert row.next_attempt_at is not None
        delay = (row.next_attempt_at - clock.now).total_seconds()
        delays.append(delay)
        clock.now = row.next_attempt_at - dt.timedelta(seconds=0.5)
        assert await sender.run_once() == 0, "claimed before it was due"
        clock.now = row.next_attempt_at


async def test_retries_follow_the_schedule_and_stop_at_success(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await runtime_of(app.platform).start()
    admin = await signed_in(client, app, "admin")
    clock = FakeClock()
    sender = WebhookSender(app.platform, clock=clock)
    try:
        async with receiving(answers=[(500, 0)] * 3 + [(429, 0)] * 2, status=200) as receiver:
            await create_webhook(client, admin, receiver.url, event_types=["test.ticked"])
            await _raise_ticked(app)
            delivery = await _delivery(app)
            delays = await _run_until_done(app, sender, clock, delivery.id)
            assert len(receiver.received) == 6
            assert len(set(receiver.ids())) == 1 and receiver.ids()[0] == str(delivery.event_id)
            # Nothing more is sent, however late it gets.
            clock.now += dt.timedelta(days=3)
            assert await sender.run_once() == 0
    finally:
        await sender.stop()
    assert len(delays) == 5
    for delay, planned in zip(delays, SCHEDULE, strict=False):
        assert planned * 0.9 <= delay <= planned * 1.1, (delay, planned)
    [row] = await deliveries(app.platform)
    assert (row.status, row.attempts, row.last_status_code) == ("succeeded", 6, 200)
    attempts = await _attempts(app, row.id)
    assert [a.status_code for a in attempts] == [500, 500, 500, 429, 429, 200]
    assert attempts[0].response_excerpt == "ok"


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _counts() -> tuple[float, float, float, float]:
    """Attempts by outcome (succeeded, retrying, failed) and timed attempts (W-6)."""
    return (
        _sample("rustok_webhook_deliveries_total", outcome="succeeded"),
        _sample("rustok_webhook_deliveries_total", outcome="retrying"),
        _sample("rustok_webhook_deliveries_total", outcome="failed"),
        _sample("rustok_webhook_attempt_duration_seconds_count"),
    )


async def test_failing_to_the_end_marks_failed_and_publishes(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await runtime_of(app.platform).start()
    admin = await signed_in(client, app, "admin")
    clock = FakeClock()
    sender = WebhookSender(app.platform, clock=clock)
    counted = _counts()
    try:
        async with receiving(status=503) as receiver:
            hook = await create_webhook(client, admin, receiver.url, event_types=["test.*"])
            await _raise_ticked(app)
            delivery = await _delivery(app)
            # The pending gauges (W-6): one delivery waiting, as old as its row.
            figures = await record_figures(
                app.platform.db, delivery.created_at + dt.timedelta(seconds=90)
            )
            assert (figures.pending, figures.oldest_pending_seconds) == (1, 90.0)
            assert _sample("rustok_webhook_pending") == 1
            assert _sample("rustok_webhook_oldest_pending_seconds") == 90.0
            delays = await _run_until_done(app, sender, clock, delivery.id)
    finally:
        await sender.stop()
    # Eight attempts to retry, the ninth gave up; every attempt timed.
    assert [b - a for a, b in zip(counted, _counts(), strict=True)] == [0, 8, 1, 9]
    figures = await record_figures(app.platform.db, clock.now)
    assert (figures.pending, figures.oldest_pending_seconds) == (0, 0.0)
    assert (
        _sample("rustok_webhook_pending") == _sample("rustok_webhook_oldest_pending_seconds") == 0
    )
    assert len(delays) == len(SCHEDULE)
    assert all(p * 0.9 <= d <= p * 1.1 for d, p in zip(delays, SCHEDULE, strict=True))
    assert len(receiver.received) == 9 and set(receiver.ids()) == {str(delivery.event_id)}
    [row] = await deliveries(app.platform)
    assert (row.status, row.attempts, row.last_error) == ("failed", 9, "HTTP 503")
    [failed] = await outbox(app, "webhook.delivery_failed")
    assert failed.payload == {
        "webhook_id": hook["id"], "event_id": str(delivery.event_id), "error": "HTTP 503",
        "status_code": 503,
    }  # fmt: skip
    # The log shows the nine attempts; a redelivery starts a fresh round at once.
    response = await client.get(f"/api/admin/webhooks/{hook['id']}/deliveries", headers=admin)
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["status"] == "failed" and len(item["attempts"]) == 9
    again = await client.post(f"/api/admin/webhooks/deliveries/{row.id}/redeliver", headers=admin)
    assert again.status_code == 202, again.text
    assert again.json()["status"] == "pending"
    [row] = await deliveries(app.platform)
    assert (row.status, row.attempts) == ("pending", 0)


async def test_an_endpoint_failing_for_five_days_is_switched_off(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await runtime_of(app.platform).start()
    admin = await signed_in(client, app, "admin")
    clock = FakeClock()
    sender = WebhookSender(app.platform, clock=clock)
    try:
        async with receiving(status=500) as receiver:
            hook = await create_webhook(client, admin, receiver.url, event_types=["test.ticked"])
            await _raise_ticked(app, 0)
            await _delivery(app)
            clock.now = dt.datetime.now(dt.UTC)
            assert await sender.run_once() == 1
            started = clock.now
            clock.now += dt.timedelta(days=4, hours=23)
            await _raise_ticked(app, 1)

            async def two() -> bool:
                return len(await deliveries(app.platform)) == 2

            await wait_until(two, what="the second delivery")
            assert await sender.run_once() == 2  # both due: still on (4 days 23 h)
            read = (await client.get(f"/api/admin/webhooks/{hook['id']}", headers=admin)).json()
            assert read["active"] is True and read["failing_since"] is not None
            clock.now = started + dt.timedelta(days=5, seconds=1)
            assert await sender.run_once() >= 1
            read = (await client.get(f"/api/admin/webhooks/{hook['id']}", headers=admin)).json()
            assert read["active"] is False and read["disabled_at"] is not None
            assert "every attempt failed" in read["disabled_reason"]
            [disabled] = await outbox(app, "webhook.disabled")
            assert disabled.payload["webhook_id"] == hook["id"]
            # Switched off: its deliveries wait, however due.
            clock.now += dt.timedelta(days=2)
            assert await sender.run_once() == 0
            receiver.status = 200
            on = await client.patch(
                f"/api/admin/webhooks/{hook['id']}", json={"active": True}, headers=admin
            )
            assert on.status_code == 200
            assert on.json()["failing_since"] is None and on.json()["disabled_at"] is None
            assert await sender.run_once() == 2
    finally:
        await sender.stop()
    assert {d.status for d in await deliveries(app.platform)} == {"succeeded"}
