"""W-2: a checkout's ``order.placed`` reaches a real receiver on loopback as the event
envelope, signed so that the ``standardwebhooks`` library (not our code) accepts it; the
library rejects a tampered body and an old timestamp; after a rotation both secrets sign."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import msgspec
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from rustok.api.app import RustokApp
from rustok.core.events import Envelope
from rustok.modules.webhooks.signing import signature
from tests.modules.commerce.helpers import outbox, signed_in
from tests.modules.webhooks.helpers import create_webhook, place_order
from tests.modules.webhooks.receiver import Received, receiving
from tests.outbox.support import wait_until


def _of_type(received: list[Received], event_type: str) -> list[Received]:
    return [r for r in received if json.loads(r.body)["event_type"] == event_type]


async def test_order_placed_arrives_signed_and_verifies(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    async with receiving() as receiver:
        hook = await create_webhook(client, admin, receiver.url, event_types=["order.*"])
        assert hook["secret"].startswith("whsec_")
        order = await place_order(client, admin)

        async def arrived() -> bool:
            return bool(_of_type(receiver.received, "order.placed"))

        await wait_until(arrived, what="order.placed at the receiver")
    got = _of_type(receiver.received, "order.placed")[0]
    verified = Webhook(hook["secret"]).verify(got.body, got.headers)
    # The body is exactly the envelope `rustok events schema` describes.
    assert set(verified) == set(Envelope.__struct_fields__)
    assert verified["payload"]["order_id"] == order["id"]
    [placed] = await outbox(app, "order.placed")
    assert got.headers["webhook-id"] == str(placed.id) == verified["id"]
    assert msgspec.json.decode(got.body, type=Envelope).tenant_id == placed.tenant_id
    assert got.headers["content-type"] == "application/json"
    # Only order.* types were sent (no inventory.*, payment.*, cart.*).
    assert {json.loads(r.body)["event_type"].split(".")[0] for r in receiver.received} == {"order"}

    tampered = got.body.replace(order["id"].encode(), b"00000000-0000-0000-0000-000000000000")
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(hook["secret"]).verify(tampered, got.headers)
    old = int((dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)).timestamp())
    resigned = {
        **got.headers,
        "webhook-timestamp": str(old),
        "webhook-signature": signature(hook["secret"], got.headers["webhook-id"], old, got.body),
    }
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(hook["secret"]).verify(got.body, resigned)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(got.body, got.headers)  # another secret


async def test_rotation_sends_both_signatures(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    async with receiving() as receiver:
        hook = await create_webhook(client, admin, receiver.url)
        rotated = await client.post(
            f"/api/admin/webhooks/{hook['id']}/rotate-secret", headers=admin
        )
        assert rotated.status_code == 200, rotated.text
        new_secret = rotated.json()["secret"]
        assert new_secret != hook["secret"] and new_secret.startswith("whsec_")
        assert rotated.json()["previous_secret_expires_at"] is not None
        ping = await client.post(f"/api/admin/webhooks/{hook['id']}/ping", headers=admin)
        assert ping.status_code == 202, ping.text

        async def arrived() -> bool:
            return bool(_of_type(receiver.received, "webhook.ping"))

        await wait_until(arrived, what="the ping")
    got = _of_type(receiver.received, "webhook.ping")[0]
    assert got.headers["webhook-id"] == ping.json()["event_id"]
    signatures = got.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    for secret, own, other in (
        (new_secret, signatures[0], signatures[1]),
        (hook["secret"], signatures[1], signatures[0]),
    ):
        Webhook(secret).verify(got.body, {**got.headers, "webhook-signature": own})
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(got.body, {**got.headers, "webhook-signature": other})
