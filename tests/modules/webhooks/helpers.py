"""Helpers of the webhook tests: endpoints, a placed order, delivery rows."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.platform import Platform
from rustok.modules.webhooks.models import WebhookDelivery
from rustok.modules.webhooks.sender import WebhookSender
from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart

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
