"""Helpers of the order mail tests: a shop tenant writing English and Russian, a product,
orders placed over HTTP and moved through their states by the shop's admin."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.core.platform import Platform
from rustok.tenancy.schemas import LocaleSetting, TenantCreate
from rustok.tenancy.service import TenantService
from tests.auth.helpers import bearer, make_user, sign_in
from tests.modules.commerce.helpers import ADDRESS, add_item, checkout, create_product, new_cart

SHOP = "shop"
Json = dict[str, Any]


async def shop_tenant(platform: Platform, slug: str = SHOP, name: str = "Linen & Co") -> None:
    """A tenant with English (default) and Russian."""
    locales = [LocaleSetting(locale="en"), LocaleSetting(locale="ru", fallback="en")]
    await TenantService(platform).create(TenantCreate(slug=slug, name=name, locales=locales))


async def shop_admin(
    client: httpx.AsyncClient, platform: Platform, slug: str = SHOP
) -> dict[str, str]:
    email = f"admin@{slug}.example"
    await make_user(platform, email, "admin", slug)
    return bearer(await sign_in(client, email, tenant=slug), slug)


async def stocked_variant(client: httpx.AsyncClient, admin: dict[str, str]) -> str:
    product = await create_product(client, admin, title="Linen shirt", price=2000, stock=50)
    return str(product["variants"][0]["id"])


async def place_order(
    client: httpx.AsyncClient, variant_id: str, *, email: str, slug: str = SHOP,
    language: str | None = None, **body: Any,
) -> Json:  # fmt: skip
    """Check out a cart of two units; ``language`` is sent as Accept-Language."""
    headers = {"X-Tenant-ID": slug}
    cart = await new_cart(client, headers)
    await add_item(client, cart, variant_id, 2, headers)
    if language is not None:
        headers["Accept-Language"] = language
    response = await checkout(client, cart, headers=headers, email=email, **body)
    assert response.status_code == 201, response.text
    order: Json = response.json()
    return order


async def move(
    client: httpx.AsyncClient, admin: dict[str, str], order: Json, action: str, **body: Any
) -> Json:
    response = await client.post(
        f"/api/commerce/orders/{order['id']}/{action}", json=body, headers=admin
    )
    assert response.status_code == 200, response.text
    moved: Json = response.json()
    return moved


def address(first_name: str, last_name: str) -> Json:
    return {**ADDRESS, "first_name": first_name, "last_name": last_name}
