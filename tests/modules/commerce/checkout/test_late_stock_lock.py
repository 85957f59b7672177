"""Checkout locks the stock rows late (PostgreSQL): none is locked while the payment provider
authorises, and stock taken by another transaction in the meantime is found under the lock:
planned again on another location, or refused with the authorisation voided."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select

from rustok.api.app import RustokApp
from rustok.modules.commerce.orders.models import Order
from rustok.modules.commerce.payments.providers import PaymentRequest, TestProvider
from tests.modules.commerce.helpers import (
    add_item,
    checkout,
    commerce_of,
    create_product,
    new_cart,
    signed_in,
    stock_of,
)

Json = dict[str, Any]
pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def _during_authorisation(
    app: RustokApp, action: Callable[[asyncpg.Connection], Awaitable[None]]
) -> TestProvider:
    """Make the test provider run ``action`` on a connection of its own before it
    authorises (undone by the app fixture's teardown: each test has its own app)."""
    provider: TestProvider = commerce_of(app).payments.get("test")  # type: ignore[assignment]
    authorize = provider.authorize
    dsn = app.platform.settings.database_url.replace("postgresql+asyncpg", "postgresql")

    async def authorize_after(request: PaymentRequest) -> str:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute("SET lock_timeout = '3s'")  # old code: not a hang
            await action(connection)
        finally:
            await connection.close()
        return await authorize(request)

    provider.authorize = authorize_after  # type: ignore[method-assign]
    return provider


async def _order_count(app: RustokApp) -> int:
    async with app.platform.db.read_session(all_tenants=True) as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def test_no_stock_row_is_locked_while_the_provider_authorises(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1, stock=5))["variants"][0]["id"]
    probes: list[str] = []

    async def probe(connection: asyncpg.Connection) -> None:
        try:
            await connection.execute(
                "SELECT id FROM commerce_inventory_levels WHERE variant_id = $1::uuid "
                "FOR UPDATE NOWAIT",
                variant,
            )
            probes.append("free")
        except asyncpg.LockNotAvailableError:
            probes.append("locked")

    _during_authorisation(app, probe)
    cart = await new_cart(client)
    await add_item(client, cart, variant, 2)
    response = await checkout(client, cart, payment_provider="test")
    assert response.status_code == 201, response.text
    assert probes == ["free"]
    assert (await stock_of(client, admin, variant))["reserved"] == 2


async def test_stock_taken_during_the_authorisation_is_refused_and_voided(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1, stock=3))["variants"][0]["id"]

    async def take_two(connection: asyncpg.Connection) -> None:
        await connection.execute(
            "UPDATE commerce_inventory_levels SET reserved = reserved + 2 "
            "WHERE variant_id = $1::uuid",
            variant,
        )

    provider = _during_authorisation(app, take_two)
    cart = await new_cart(client)
    await add_item(client, cart, variant, 2)
    response = await checkout(client, cart, payment_provider="test")
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == "INSUFFICIENT_INVENTORY" and variant in problem["errors"]
    assert await _order_count(app) == 0
    stock = await stock_of(client, admin, variant)
    assert (stock["stocked"], stock["reserved"]) == (3, 2)  # the other transaction's only
    (authorised,) = [ref for call, ref in provider.calls if call == "authorize"]
    assert ("void", f"test_{authorised.replace('-', '')}") in provider.calls
    # The cart stays open: with stock back it checks out.
    await client.post(
        f"/api/commerce/variants/{variant}/inventory/adjust", json={"delta": 5}, headers=admin
    )
    del provider.authorize
    again = await checkout(client, cart, payment_provider="test")
    assert again.status_code == 201, again.text


async def test_stock_taken_at_one_location_is_reserved_at_another(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1, stock=2))["variants"][0]["id"]
    east = await client.post(
        "/api/commerce/stock-locations", json={"code": "east", "name": "East"}, headers=admin
    )
    assert east.status_code == 201, east.text
    stocked = await client.post(
        f"/api/commerce/variants/{variant}/inventory/set",
        json={"quantity": 5, "location_id": east.json()["id"]}, headers=admin,
    )  # fmt: skip
    assert stocked.status_code == 200, stocked.text

    async def empty_the_default(connection: asyncpg.Connection) -> None:
        await connection.execute(
            "UPDATE commerce_inventory_levels l SET reserved = stocked "
            "FROM commerce_stock_locations s WHERE s.id = l.location_id AND s.is_default "
            "AND l.variant_id = $1::uuid",
            variant,
        )

    provider = _during_authorisation(app, empty_the_default)
    cart = await new_cart(client)
    await add_item(client, cart, variant, 2)
    response = await checkout(client, cart, payment_provider="test")
    assert response.status_code == 201, response.text
    levels = {x["location_code"]: x for x in (await stock_of(client, admin, variant))["locations"]}
    assert (levels["default"]["stocked"], levels["default"]["reserved"]) == (2, 2)
    assert (levels["east"]["stocked"], levels["east"]["reserved"]) == (5, 2)
    assert not [call for call, _ in provider.calls if call == "void"]
