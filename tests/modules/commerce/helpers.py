"""Helpers of the commerce tests: signed-in headers, products, carts, checkout bodies."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import httpx
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.context import RequestContext, use_context
from rustok.modules.commerce.commerce_runtime import CommerceRuntime, commerce_runtime
from rustok.outbox.models import OutboxEvent
from rustok.tenancy.service import TenantService, tenant_ref
from tests.auth.helpers import bearer, make_user, sign_in

_sku = itertools.count(1)
Json = dict[str, Any]

ADDRESS: Json = {
    "first_name": "Ada", "last_name": "Lovelace", "address1": "1 Analytical Way",
    "city": "London", "postal_code": "N1 1AA", "country_code": "GB",
}  # fmt: skip


async def signed_in(
    client: httpx.AsyncClient, app: RustokApp, role: str, email: str | None = None,
    tenant: str = "default",
) -> dict[str, str]:  # fmt: skip
    """Bearer headers of a new user with ``role`` (in ``tenant``)."""
    address = email or f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    await make_user(app.platform, address, role, tenant)
    header = None if tenant == "default" else tenant
    return bearer(await sign_in(client, address, tenant=header), header)


def product_body(
    *, title: str = "Tee", variants: int = 2, stock: int = 10, price: int = 2500,
    currency: str = "USD", status: str = "active", policy: str = "deny", **extra: Any,
) -> Json:  # fmt: skip
    sizes = ["S", "M", "L", "XL", "XXL"][:variants]
    return {
        "translations": [{"locale": "en", "title": title}],
        "options": [{"name": "Size", "values": sizes}],
        "variants": [
            {
                "sku": f"SKU-{next(_sku)}-{size}",
                "title": size,
                "options": {"Size": size},
                "prices": [{"currency_code": currency, "amount": price + 100 * i}],
                "inventory_quantity": stock,
                "inventory_policy": policy,
            }
            for i, size in enumerate(sizes)
        ],
        "status": status,
        **extra,
    }


async def create_product(client: httpx.AsyncClient, headers: dict[str, str], **kwargs: Any) -> Json:
    response = await client.post(
        "/api/commerce/products", json=product_body(**kwargs), headers=headers
    )
    assert response.status_code == 201, response.text
    body: Json = response.json()
    return body


async def new_cart(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **body: Any
) -> Json:
    response = await client.post("/api/store/carts", json=body, headers=headers or {})
    assert response.status_code == 201, response.text
    cart: Json = response.json()
    return cart


def cart_headers(cart: Json, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"X-Cart-Token": cart["token"], **(extra or {})}


async def add_item(
    client: httpx.AsyncClient, cart: Json, variant_id: str, quantity: int,
    headers: dict[str, str] | None = None,
) -> Json:  # fmt: skip
    response = await client.post(
        f"/api/store/carts/{cart['id']}/items",
        json={"variant_id": variant_id, "quantity": quantity},
        headers=cart_headers(cart, headers),
    )
    assert response.status_code == 201, response.text
    body: Json = response.json()
    return body


def checkout_body(**extra: Any) -> Json:
    return {"email": "ada@example.com", "shipping_address": ADDRESS, **extra}


async def checkout(
    client: httpx.AsyncClient, cart: Json, key: str | None = None,
    headers: dict[str, str] | None = None, **extra: Any,
) -> httpx.Response:  # fmt: skip
    request_headers = cart_headers(cart, headers)
    if key is not None:
        request_headers["Idempotency-Key"] = key
    return await client.post(
        f"/api/store/carts/{cart['id']}/checkout", json=checkout_body(**extra),
        headers=request_headers,
    )  # fmt: skip


async def stock_of(client: httpx.AsyncClient, admin: dict[str, str], variant_id: str) -> Json:
    """``GET /variants/{id}/inventory``: stocked, reserved, available (and per location)."""
    response = await client.get(f"/api/commerce/variants/{variant_id}/inventory", headers=admin)
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def commerce_of(app: RustokApp) -> CommerceRuntime:
    return commerce_runtime(app.platform)


async def outbox(app: RustokApp, *prefixes: str) -> list[OutboxEvent]:
    """Outbox rows of every tenant in id (= raise) order, optionally by type prefix."""
    async with app.platform.db.read_session(all_tenants=True) as session:
        rows = list(await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)))
    return [r for r in rows if not prefixes or r.event_type.startswith(prefixes)]


async def tenant_context(app: RustokApp, slug: str = "default") -> RequestContext:
    tenant = await TenantService(app.platform).get_by_slug(slug)
    return RequestContext(tenant=tenant_ref(tenant))


__all__ = ["use_context"]
