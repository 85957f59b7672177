"""Stock per location (CO-3): the default location, adjust and set with their refusals,
``inventory.updated`` with the real location, ``inventory.low`` at or below the threshold,
the ``continue`` policy (backorders) and shipping only what is on the shelf."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from rustok.api.app import RustokApp
from rustok.core.context import use_context
from rustok.modules.commerce.inventory.models import StockLocation
from rustok.modules.commerce.inventory.stock import ensure_default_location
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import (
    add_item,
    checkout,
    create_product,
    new_cart,
    outbox,
    signed_in,
    tenant_context,
)

Json = dict[str, Any]


async def test_locations_adjust_set_and_events(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    listed = await client.get("/api/commerce/stock-locations", headers=admin)
    assert listed.status_code == 200
    (default,) = listed.json()["items"]
    assert (default["code"], default["is_default"]) == ("default", True)
    east = await client.post(
        "/api/commerce/stock-locations", json={"code": "east", "name": "East"}, headers=admin
    )
    assert east.status_code == 201, east.text
    taken = await client.post(
        "/api/commerce/stock-locations", json={"code": "east", "name": "Again"}, headers=admin
    )
    assert taken.status_code == 409 and taken.json()["code"] == "DUPLICATE_CODE"
    reserved = await client.post(
        "/api/commerce/stock-locations", json={"code": "default", "name": "Mine"}, headers=admin
    )
    assert reserved.status_code == 400
    product = await create_product(client, admin, variants=1, stock=8)
    variant = product["variants"][0]["id"]
    base = f"/api/commerce/variants/{variant}/inventory"
    at_east = await client.post(
        f"{base}/set", json={"quantity": 20, "location_id": east.json()["id"],
                             "low_stock_threshold": 3}, headers=admin,
    )  # fmt: skip
    assert at_east.status_code == 200, at_east.text
    assert (at_east.json()["stocked"], at_east.json()["available"]) == (28, 28)
    east_level = next(x for x in at_east.json()["locations"] if x["location_code"] == "east")
    assert (east_level["stocked"], east_level["low_stock_threshold"]) == (20, 3)
    down = await client.post(f"{base}/adjust", json={"delta": -3}, headers=admin)
    assert down.status_code == 200
    assert [x["available"] for x in down.json()["locations"]] == [5, 20]  # default first
    too_far = await client.post(f"{base}/adjust", json={"delta": -6}, headers=admin)
    assert too_far.status_code == 409 and too_far.json()["code"] == "INSUFFICIENT_INVENTORY"
    nowhere = await client.post(
        f"{base}/adjust", json={"delta": 1, "location_id": "00000000-0000-0000-0000-0000000000aa"},
        headers=admin,
    )  # fmt: skip
    assert nowhere.status_code == 404
    missing = await client.get(
        "/api/commerce/variants/00000000-0000-0000-0000-0000000000ab/inventory", headers=admin
    )
    assert missing.status_code == 404

    updates = [e.payload for e in await outbox(app, "inventory.updated")]
    assert [u["location_id"] for u in updates] == [
        default["id"], east.json()["id"], default["id"],
    ]  # fmt: skip
    assert (updates[-1]["old_quantity"], updates[-1]["new_quantity"], updates[-1]["reason"]) == (
        8, 5, "adjust",
    )  # fmt: skip
    lows = [e.payload for e in await outbox(app, "inventory.low")]
    # 8 → 5 lands exactly on the default threshold (5): reported ("at or below").
    assert [(x["remaining"], x["threshold"], x["location_id"]) for x in lows] == [
        (5, 5, default["id"])
    ]


async def test_deny_refuses_to_go_below_reserved_and_continue_backorders(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    denied = await create_product(client, admin, title="Deny", variants=1, stock=3)
    backorder = await create_product(
        client, admin, title="Backorder", variants=1, stock=1, policy="continue"
    )
    deny_id, continue_id = denied["variants"][0]["id"], backorder["variants"][0]["id"]
    cart = await new_cart(client)
    await add_item(client, cart, deny_id, 2)
    too_many = await client.post(
        f"/api/store/carts/{cart['id']}/items", json={"variant_id": deny_id, "quantity": 5},
        headers={"X-Cart-Token": cart["token"]},
    )  # fmt: skip
    assert too_many.status_code == 409 and too_many.json()["code"] == "INSUFFICIENT_INVENTORY"
    await add_item(client, cart, continue_id, 4)  # 3 more than stocked: allowed
    order = await checkout(client, cart)
    assert order.status_code == 201, order.text
    below_reserved = await client.post(
        f"/api/commerce/variants/{deny_id}/inventory/set", json={"quantity": 1}, headers=admin
    )
    assert below_reserved.status_code == 409
    level = (
        await client.get(f"/api/commerce/variants/{continue_id}/inventory", headers=admin)
    ).json()
    assert (level["stocked"], level["reserved"], level["available"]) == (1, 4, -3)
    await outbox_settled(app.platform)  # the storefront reads the index read model
    store = (await client.get("/api/store/products/backorder")).json()
    assert store["in_stock"] is True and store["variants"][0]["available_quantity"] == 0
    base = f"/api/commerce/orders/{order.json()['id']}"
    for step, body in (("confirm", None), ("pay", {})):
        assert (await client.post(f"{base}/{step}", json=body, headers=admin)).status_code == 200
    early = await client.post(f"{base}/ship", json={"tracking_number": "T"}, headers=admin)
    assert early.status_code == 409 and early.json()["code"] == "INSUFFICIENT_INVENTORY"
    restock = await client.post(
        f"/api/commerce/variants/{continue_id}/inventory/adjust", json={"delta": 3}, headers=admin
    )
    assert restock.status_code == 200
    shipped = await client.post(f"{base}/ship", json={"tracking_number": "T"}, headers=admin)
    assert shipped.status_code == 200, shipped.text
    level = (
        await client.get(f"/api/commerce/variants/{continue_id}/inventory", headers=admin)
    ).json()
    assert (level["stocked"], level["reserved"]) == (0, 0)


async def test_every_tenant_gets_one_default_location(app: RustokApp) -> None:
    tenant = await TenantService(app.platform).create(TenantCreate(slug="shop-b", name="B"))
    for context in (await tenant_context(app), await tenant_context(app, tenant.slug)):
        with use_context(context):
            for _ in range(2):
                async with app.platform.uow() as uow:
                    first = await ensure_default_location(uow.session)
                    again = await ensure_default_location(uow.session)
                    assert first.id == again.id
                    await uow.commit()
            async with app.platform.db.read_session() as session:
                count = await session.scalar(select(func.count()).select_from(StockLocation))
            assert count == 1
    # Enabling the module makes it too (the hook runs in the toggle's transaction).
    other = await TenantService(app.platform).create(TenantCreate(slug="shop-c", name="C"))
    with use_context(await tenant_context(app, other.slug)):
        modules = app.tenancy.modules()
        await modules.set_enabled("commerce", False)
    with use_context(await tenant_context(app, other.slug)):
        await app.tenancy.modules().set_enabled("commerce", True)
        async with app.platform.db.read_session() as session:
            assert await session.scalar(select(func.count()).select_from(StockLocation)) == 1
