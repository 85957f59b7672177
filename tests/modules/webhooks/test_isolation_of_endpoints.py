"""W-3: one endpoint that answers after 10 s and one that refuses connections do not delay
a third: all 1,000 events reach the healthy endpoint while the other two have delivered
nothing, are still retrying and have spent only a few attempts (their breakers opened).
(Completion and order only; the latency figure is the benchmark's.)"""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.context import use_context
from rustok.core.settings import Settings
from rustok.modules.webhooks.models import WebhookDelivery
from tests.conftest import make_settings
from tests.modules.commerce.helpers import signed_in, tenant_context
from tests.modules.webhooks.helpers import create_webhook, deliveries
from tests.modules.webhooks.receiver import receiving
from tests.outbox.support import Ticked, wait_until

EVENTS = 1000


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        db_url, tmp_path, rate_limit="0", webhooks_allow_private=True,
        webhooks_timeout_seconds=3.0, outbox_poll_interval=0.2,
    )  # fmt: skip


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
async def test_slow_and_dead_endpoints_do_not_delay_a_healthy_one(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    async with receiving(delay=10.0) as slow, receiving() as healthy:
        hooks = {
            name: (await create_webhook(client, admin, url, event_types=["test.ticked"]))["id"]
            for name, url in (
                ("slow", slow.url),
                ("refused", f"http://127.0.0.1:{_closed_port()}/hook"),
                ("healthy", healthy.url),
            )
        }
        raised: list[uuid.UUID] = []
        with use_context(await tenant_context(app)):
            for start in range(0, EVENTS, 100):
                async with app.platform.uow() as uow:
                    for n in range(start, start + 100):
                        raised.append(uow.publish(Ticked(thing_id=uuid.UUID(int=n + 1), n=0)).id)
                    await uow.commit()

        async def healthy_done() -> bool:
            done = await deliveries(
                app.platform,
                WebhookDelivery.endpoint_id == uuid.UUID(hooks["healthy"]),
                WebhookDelivery.status == "succeeded",
            )
            return len(done) == EVENTS

        await wait_until(healthy_done, within=240, what="all events at the healthy endpoint")

        async def others_tried() -> bool:
            # An attempt is recorded when it ends: at the slow endpoint, after the 3 s
            # timeout, which can come after the healthy endpoint has had everything.
            tried = await deliveries(app.platform, WebhookDelivery.attempts > 0)
            return {str(r.endpoint_id) for r in tried} >= {hooks["slow"], hooks["refused"]}

        await wait_until(others_tried, within=60, what="an attempt at the slow and dead ones")
        rows = await deliveries(app.platform)
    assert sorted(set(healthy.ids())) == sorted(map(str, raised))
    by_endpoint: dict[str, list[str]] = {name: [] for name in hooks}
    for row in rows:
        name = next(n for n, i in hooks.items() if i == str(row.endpoint_id))
        by_endpoint[name].append(row.status)
    # The healthy endpoint: everything delivered; the other two: nothing, all pending.
    assert by_endpoint["healthy"] == ["succeeded"] * EVENTS
    assert set(by_endpoint["slow"]) == set(by_endpoint["refused"]) == {"pending"}
    assert len(by_endpoint["slow"]) == len(by_endpoint["refused"]) == EVENTS
    # They only delayed themselves: their breakers opened after a handful of attempts (at
    # most 4 in flight each, 5 failures open a breaker; a few trials if it took > 60 s)
    # instead of working through 1,000 deliveries each alongside the healthy endpoint.
    for name in ("slow", "refused"):
        tried = [r for r in rows if str(r.endpoint_id) == hooks[name] and r.attempts > 0]
        assert 1 <= sum(r.attempts for r in tried) <= 20, (name, len(tried))
        assert all(r.last_error for r in tried)
