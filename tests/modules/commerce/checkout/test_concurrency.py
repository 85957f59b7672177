"""Checkout under concurrency (CO-3, CO-4): no oversell, one order per idempotency key,
exact discount usage, display numbers without gaps — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.context import use_context
from rustok.core.settings import Settings
from rustok.modules.commerce.inventory.models import InventoryLevel, Reservation
from rustok.modules.commerce.orders.models import Order
from rustok.modules.commerce.orders.numbering import next_number
from tests.conftest import make_settings
from tests.modules.commerce.helpers import (
    add_item,
    checkout,
    create_product,
    new_cart,
    signed_in,
    tenant_context,
)

Json = dict[str, Any]


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # Correctness under contention, not outages: 50 checkouts share a pool of 20, and on a
    # loaded machine a connection may take longer than the 5 s that turns a wait into 503.
    return make_settings(db_url, tmp_path, rate_limit="0", db_pool_timeout=60.0,
                         db_statement_timeout=60.0)  # fmt: skip


async def _carts(client: httpx.AsyncClient, variant_id: str, count: int) -> list[Json]:
    carts = []
    for _ in range(count):
        cart = await new_cart(client)
        await add_item(client, cart, variant_id, 1)
        carts.append(cart)
    return carts


async def _orders(app: RustokApp) -> list[Order]:
    async with app.platform.db.read_session(all_tenants=True) as session:
        return list(await session.scalars(select(Order).order_by(Order.display_number)))


async def test_fifty_checkouts_for_ten_units_make_exactly_ten_orders(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=10)
    variant_id = product["variants"][0]["id"]
    carts = await _carts(client, variant_id, 50)
    responses = await asyncio.gather(*(checkout(client, cart) for cart in carts))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 10, 409: 40}, [
        r.text for r in responses if r.status_code not in (201, 409)
    ]
    for refused in (r for r in responses if r.status_code == 409):
        problem = refused.json()
        assert problem["code"] == "INSUFFICIENT_INVENTORY"
        assert variant_id in problem["detail"] and variant_id in problem["errors"]
    async with app.platform.db.read_session(all_tenants=True) as session:
        level = (await session.scalars(select(InventoryLevel))).one()
        held = sum(r.quantity for r in await session.scalars(select(Reservation)))
    assert (level.stocked, level.reserved, held) == (10, 10, 10)
    assert level.stocked - level.reserved == 0
    numbers = [o.display_number for o in await _orders(app)]
    assert numbers == list(range(1, 11))
    # The refused carts stay open and can check out once stock is back.
    refused_cart = carts[[r.status_code for r in responses].index(409)]
    restock = await client.post(
        f"/api/commerce/variants/{variant_id}/inventory/adjust", json={"delta": 1}, headers=admin
    )
    assert restock.status_code == 200
    again = await checkout(client, refused_cart)
    assert again.status_code == 201 and again.json()["display_number"] == 11


async def test_the_same_idempotency_key_twenty_times_makes_one_order(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=5)
    cart = (await _carts(client, product["variants"][0]["id"], 1))[0]
    responses = await asyncio.gather(*(checkout(client, cart, key="same-key") for _ in range(20)))
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    orders = await _orders(app)
    assert len(orders) == 1
    async with app.platform.db.read_session(all_tenants=True) as session:
        level = (await session.scalars(select(InventoryLevel))).one()
    assert level.reserved == 1
    # The key with another body is refused (422), not replayed; keys are scoped to their cart,
    # so on another cart it is another checkout.
    other_body = await checkout(client, cart, key="same-key", email="eve@example.com")
    assert other_body.status_code == 422 and other_body.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    other_cart = (await _carts(client, product["variants"][0]["id"], 1))[0]
    reused = await checkout(client, other_cart, key="same-key")
    assert reused.status_code == 201 and reused.json()["id"] != responses[0].json()["id"]
    # Without the key a completed cart answers 409 instead of making a second order.
    second = await checkout(client, cart)
    assert second.status_code == 409 and second.json()["code"] == "CART_NOT_OPEN"


async def test_discount_usage_limit_holds_under_concurrent_checkouts(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=100)
    created = await client.post(
        "/api/commerce/discounts",
        json={"code": "FIVE", "kind": "fixed", "value": 500, "currency_code": "USD", "usage_limit": 5},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    carts = await _carts(client, product["variants"][0]["id"], 20)
    responses = await asyncio.gather(*(checkout(client, c, discount_code="five") for c in carts))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 5, 409: 15}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"DISCOUNT_UNAVAILABLE"}
    assert all(r.json()["discount_total"] == 500 for r in responses if r.status_code == 201)
    discount = (
        await client.get(f"/api/commerce/discounts/{created.json()['id']}", headers=admin)
    ).json()
    assert discount["usage_count"] == 5
    async with app.platform.db.read_session(all_tenants=True) as session:
        level = (await session.scalars(select(InventoryLevel))).one()
    assert level.reserved == 5  # the refused checkouts reserved nothing


async def test_display_numbers_have_no_gaps_when_checkouts_fail_and_roll_back(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=100)
    carts = await _carts(client, product["variants"][0]["id"], 24)
    # Every third payment is declined after stock and the discount were taken: rolled back.
    responses = await asyncio.gather(
        *(
            checkout(client, cart, payment_provider="test",
                     payment_token="tok_decline" if i % 3 == 0 else None)
            for i, cart in enumerate(carts)
        )
    )  # fmt: skip
    assert Counter(r.status_code for r in responses) == {201: 16, 402: 8}
    assert {r.json()["code"] for r in responses if r.status_code == 402} == {"PAYMENT_DECLINED"}
    numbers = sorted(r.json()["display_number"] for r in responses if r.status_code == 201)
    assert numbers == list(range(1, 17))
    async with app.platform.db.read_session(all_tenants=True) as session:
        level = (await session.scalars(select(InventoryLevel))).one()
    assert level.reserved == 16


async def test_a_rolled_back_number_is_given_again(app: RustokApp) -> None:
    with use_context(await tenant_context(app)):
        async with app.platform.uow() as uow:
            first = await next_number(uow.session)
            await uow.commit()
        async with app.platform.uow() as uow:
            assert await next_number(uow.session) == first + 1
            # not committed: rolled back on leaving the block
        async with app.platform.uow() as uow:
            assert await next_number(uow.session) == first + 1
            await uow.commit()
