"""W-2: internal event types are never delivered, even to an endpoint subscribed to ``*``:
a checkout raises ``mail.queued`` (its order mail) next to its public events, and only the
public ones reach the receiver."""

from __future__ import annotations

import json

import httpx

from rustok.api.app import RustokApp
from rustok.core.events import CATALOGUE
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import outbox, signed_in
from tests.modules.webhooks.helpers import create_webhook, deliveries, place_order
from tests.modules.webhooks.receiver import receiving
from tests.outbox.support import wait_until


async def test_internal_events_never_reach_a_catch_all_endpoint(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    async with receiving() as receiver:
        await create_webhook(client, admin, receiver.url, event_types=["*"])
        await place_order(client, admin)

        async def placed() -> bool:
            return any(
                json.loads(r.body)["event_type"] == "order.placed" for r in receiver.received
            )

        await wait_until(placed, what="order.placed at the receiver")
        await outbox_settled(app.platform)
    raised = {e.event_type for e in await outbox(app)}
    assert "mail.queued" in raised and CATALOGUE.is_internal("mail.queued")
    delivered = {d.event_type for d in await deliveries(app.platform)}
    received = {json.loads(r.body)["event_type"] for r in receiver.received}
    public = {t for t in raised if not CATALOGUE.is_internal(t)}
    assert "order.placed" in delivered
    assert delivered <= public and received <= public
    assert not any(CATALOGUE.is_internal(t) for t in delivered | received)
