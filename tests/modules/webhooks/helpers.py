"""Helpers of the webhook tests: endpoints, a placed order, delivery and attempt rows."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.platform import Platform
from rustok.modules.webhooks.models import WebhookAttempt, WebhookDelivery
from rustok.modules.webhooks.sender import WebhookSender
from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in

Json = dict[str, Any]


async def create_webhook(
    client: httpx.AsyncClient, auth: dict[str, str], url: str, **body: Any
) -> Json:
    response = await client.post(
        "/api/admin/webhooks", json={"url": url, "event_types": ["*"], **body}, headers=auth
    )
    assert response.status_code == 201, response.text
    created: Json = response.json()
    return created


async def place_order(client: httpx.AsyncClient, admin: dict[str, str]) -> Json:
    product = await create_product(client, admin, variants=1)
    cart = await new_cart(client, currency_code="USD")
    await add_item(client, cart, product["variants"][0]["id"], 1)
    response = await checkout(client, cart, key=f"key-{cart['id']}")
    assert response.status_code == 201, response.text
    order: Json = response.json()
    return order


async def deliveries(platform: Platform, *where: Any) -> list[WebhookDelivery]:
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(
            select(WebhookDelivery).where(*where).order_by(WebhookDelivery.created_at)
        )
        return list(rows)


def sender_of(app: RustokApp) -> WebhookSender:
    return webhooks_runtime(app.platform).sender


async def only_attempt(platform: Platform) -> WebhookAttempt:
    """The one attempt of the one delivery there is."""
    [delivery] = await deliveries(platform)
    async with platform.db.read_session(all_tenants=True) as session:
        return (
            await session.scalars(
                select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id)
            )
        ).one()


async def ping_once(client: httpx.AsyncClient, app: RustokApp, url: str) -> None:
    """An endpoint at ``url`` pinged, and the ping attempted once by a sender of the test."""
    admin = await signed_in(client, app, "admin")
    hook = await create_webhook(client, admin, url)
    ping = await client.post(f"/api/admin/webhooks/{hook['id']}/ping", headers=admin)
    assert ping.status_code == 202, ping.text
    sender = WebhookSender(app.platform)
    try:
        assert await sender.run_once() == 1
    finally:
        await sender.stop()
