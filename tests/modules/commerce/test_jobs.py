"""Commerce expiry (CO-3): pending orders past ``RUSTOK_ORDER_PENDING_TTL`` are cancelled
through the state machine and give their stock back; idle carts are abandoned; old
idempotency keys are forgotten without ever allowing a second order — on both databases."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, update

from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import bootstrap
from rustok.core.db import utcnow
from rustok.modules.commerce.carts.models import Cart
from rustok.modules.commerce.checkout.models import IdempotencyRecord
from rustok.modules.commerce.jobs import (
    abandon_idle_carts,
    expire_pending_orders,
    forget_idempotency_keys,
)
from rustok.modules.commerce.module import MODULE
from rustok.modules.commerce.orders.models import Order
from rustok.modules.commerce.settings import CommerceSettings
from rustok.modules.index.module import MODULE as INDEX
from rustok.outbox.models import OutboxEvent
from rustok.tenancy.schemas import TenantCreate
from tests.conftest import make_settings, serve_app
from tests.modules.commerce.helpers import (
    add_item,
    checkout,
    commerce_of,
    create_product,
    new_cart,
    outbox,
    signed_in,
    stock_of,
    tenant_context,
    use_context,
)

Json = dict[str, Any]
DAY = dt.timedelta(days=1)


async def _order(
    client: httpx.AsyncClient, variant_id: str, quantity: int,
    headers: dict[str, str] | None = None, **extra: Any,
) -> Json:  # fmt: skip
    cart = await new_cart(client, headers)
    await add_item(client, cart, variant_id, quantity, headers)
    response = await checkout(client, cart, headers=headers, **extra)
    assert response.status_code == 201, response.text
    order: Json = response.json()
    return order


async def _commerce_events(app: RustokApp) -> list[OutboxEvent]:
    # Not the mails: the order-mail consumer queues them (mail.queued) in the background,
    # whenever it gets to an order event, so they are no part of what the job raised.
    return [e for e in await outbox(app) if not e.event_type.startswith("mail.")]


async def test_pending_orders_past_the_ttl_are_cancelled_and_give_their_stock_back(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=5)
    variant = product["variants"][0]["id"]
    discount = await client.post(
        "/api/commerce/discounts", json={"code": "LATE", "kind": "fixed", "value": 100, "currency_code": "USD"},
        headers=admin,
    )  # fmt: skip
    assert discount.status_code == 201, discount.text
    stale = await _order(client, variant, 2, discount_code="LATE")
    kept = await _order(client, variant, 1)
    confirm = await client.post(f"/api/commerce/orders/{kept['id']}/confirm", headers=admin)
    assert confirm.status_code == 200, confirm.text
    assert (await stock_of(client, admin, variant))["reserved"] == 3

    # Within the TTL (24 h by default) nothing expires.
    assert await expire_pending_orders(app.platform) == 0
    assert await expire_pending_orders(app.platform, now=utcnow() + DAY / 2) == 0
    events_before = len(await _commerce_events(app))

    assert await expire_pending_orders(app.platform, now=utcnow() + 2 * DAY) == 1
    body = (await client.get(f"/api/commerce/orders/{stale['id']}", headers=admin)).json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "expired"
    assert body["payment"]["status"] == "voided" and body["refunded"] is False
    last = body["history"][-1]
    assert (last["action"], last["from_status"], last["to_status"]) == (
        "cancel", "pending", "cancelled",
    )  # fmt: skip
    assert last["actor_id"] is None and last["data"] == {"reason": "expired"}
    stock = await stock_of(client, admin, variant)
    assert (stock["stocked"], stock["reserved"], stock["available"]) == (5, 1, 4)
    codes = (await client.get("/api/commerce/discounts", headers=admin)).json()["items"]
    assert codes[0]["usage_count"] == 0
    kept_now = (await client.get(f"/api/commerce/orders/{kept['id']}", headers=admin)).json()
    assert kept_now["status"] == "confirmed"  # only pending orders expire

    new_events = (await _commerce_events(app))[events_before:]
    assert [e.event_type for e in new_events] == [
        "inventory.released", "inventory.updated", "payment.voided", "order.status_changed",
        "order.cancelled",
    ]  # fmt: skip
    assert {e.aggregate_id for e in new_events if e.event_type.startswith("order.")} == {
        uuid.UUID(stale["id"])
    }
    changed = new_events[3].payload
    assert (changed["old_status"], changed["new_status"]) == ("pending", "cancelled")
    assert new_events[4].payload["reason"] == "expired"
    assert all(e.actor_id is None for e in new_events)

    # A second run finds nothing and raises nothing.
    assert await expire_pending_orders(app.platform, now=utcnow() + 2 * DAY) == 0
    assert len(await _commerce_events(app)) == events_before + len(new_events)


async def test_a_ttl_of_zero_never_expires(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=5)
    order = await _order(client, product["variants"][0]["id"], 1)
    cart = await new_cart(client)
    platform = app.platform
    platform.settings = platform.settings.with_module(
        CommerceSettings(order_pending_ttl=0, cart_ttl=0, idempotency_key_ttl=0)
    )
    far = utcnow() + 3650 * DAY
    assert await expire_pending_orders(platform, now=far) == 0
    assert await abandon_idle_carts(platform, now=far) == 0
    assert await forget_idempotency_keys(platform, now=far) == 0
    body = (await client.get(f"/api/commerce/orders/{order['id']}", headers=admin)).json()
    assert body["status"] == "pending"
    assert (await client.get(f"/api/store/carts/{cart['id']}", headers={
        "X-Cart-Token": cart["token"]})).json()["status"] == "open"  # fmt: skip


async def test_expiry_racing_a_confirm_ends_one_way_only(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=20)
    variant = product["variants"][0]["id"]
    orders = commerce_of(app).orders
    outcomes = set()
    for _ in range(4):
        order = await _order(client, variant, 2)
        with use_context(await tenant_context(app)):
            expired, confirmed = await asyncio.gather(
                orders.expire(uuid.UUID(order["id"]), placed_before=utcnow() + DAY),
                client.post(f"/api/commerce/orders/{order['id']}/confirm", headers=admin),
            )
        status = (await client.get(f"/api/commerce/orders/{order['id']}", headers=admin)).json()
        if expired:
            assert confirmed.status_code == 409, confirmed.text
            assert status["status"] == "cancelled"
        else:
            assert confirmed.status_code == 200, confirmed.text
            assert status["status"] == "confirmed"
        outcomes.add(expired)
    bodies = (await client.get("/api/commerce/orders?per_page=10", headers=admin)).json()
    held = sum(2 for o in bodies["items"] if o["status"] == "confirmed")
    stock = await stock_of(client, admin, variant)
    assert (stock["stocked"], stock["reserved"]) == (20, held)


async def test_expiry_works_per_tenant_and_skips_tenants_without_commerce(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug="shop-b", name="Shop B"))
    admin_a = await signed_in(client, app, "admin")
    admin_b = await signed_in(client, app, "admin", tenant="shop-b")
    b = {"X-Tenant-ID": "shop-b"}
    product_a = await create_product(client, admin_a, variants=1, stock=5)
    product_b = await create_product(client, admin_b, variants=1, stock=5)
    order_a = await _order(client, product_a["variants"][0]["id"], 1)
    order_b = await _order(client, product_b["variants"][0]["id"], 1, b)
    order_c = await _order(client, product_a["variants"][0]["id"], 1)
    with use_context(await tenant_context(app, "shop-b")):
        await app.tenancy.modules().set_enabled("commerce", False)

    assert await expire_pending_orders(app.platform, now=utcnow() + 2 * DAY) == 2
    async with app.platform.db.read_session(all_tenants=True) as session:
        rows = await session.execute(select(Order.id, Order.tenant_id, Order.status))
        by_id = {str(row.id): (row.tenant_id, row.status) for row in rows}
    assert by_id[order_a["id"]][1] == by_id[order_c["id"]][1] == "cancelled"
    assert by_id[order_b["id"]][1] == "pending"  # commerce is off for shop-b
    cancelled = await outbox(app, "order.cancelled")
    assert {e.tenant_id for e in cancelled} == {by_id[order_a["id"]][0]}
    assert {e.aggregate_id for e in cancelled} == {
        uuid.UUID(order_a["id"]),
        uuid.UUID(order_c["id"]),
    }


async def _backdate_cart(app: RustokApp, cart_id: str, when: dt.datetime) -> None:
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(Cart).where(Cart.id == uuid.UUID(cart_id)).values(updated_at=when)
        )
        await session.commit()


async def test_idle_carts_are_abandoned_and_no_longer_check_out(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=5)
    variant = product["variants"][0]["id"]
    idle = await new_cart(client)
    await add_item(client, idle, variant, 1)
    busy = await new_cart(client)
    await add_item(client, busy, variant, 1)
    done = await new_cart(client)
    await add_item(client, done, variant, 1)
    assert (await checkout(client, done)).status_code == 201
    long_ago = utcnow() - 31 * DAY  # the default TTL is 30 days
    for cart in (idle, done):
        await _backdate_cart(app, cart["id"], long_ago)

    assert await abandon_idle_carts(app.platform) == 1
    token = {"X-Cart-Token": idle["token"]}
    read = await client.get(f"/api/store/carts/{idle['id']}", headers=token)
    assert read.status_code == 200 and read.json()["status"] == "abandoned"
    added = await client.post(
        f"/api/store/carts/{idle['id']}/items", json={"variant_id": variant, "quantity": 1},
        headers=token,
    )  # fmt: skip
    assert added.status_code == 409 and added.json()["code"] == "CART_NOT_OPEN"
    refused = await checkout(client, idle)
    assert refused.status_code == 409 and refused.json()["code"] == "CART_NOT_OPEN"
    busy_read = await client.get(
        f"/api/store/carts/{busy['id']}", headers={"X-Cart-Token": busy["token"]}
    )
    assert busy_read.json()["status"] == "open"  # touched within the TTL
    done_read = await client.get(
        f"/api/store/carts/{done['id']}", headers={"X-Cart-Token": done["token"]}
    )
    assert done_read.json()["status"] == "completed"  # only open carts are abandoned
    abandoned = await outbox(app, "cart.abandoned")
    assert [e.aggregate_id for e in abandoned] == [uuid.UUID(idle["id"])]
    assert await abandon_idle_carts(app.platform) == 0


async def test_old_idempotency_keys_are_forgotten_and_a_late_retry_places_no_order(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=5)
    variant = product["variants"][0]["id"]
    old_cart, new_cart_ = await new_cart(client), await new_cart(client)
    await add_item(client, old_cart, variant, 1)
    await add_item(client, new_cart_, variant, 1)
    first = await checkout(client, old_cart, key="old-key")
    second = await checkout(client, new_cart_, key="new-key")
    assert first.status_code == second.status_code == 201
    async with app.platform.db.write_session(all_tenants=True) as session:
        await session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "old-key")
            .values(created_at=utcnow() - 8 * DAY)  # the default TTL is 7 days
        )
        await session.commit()

    assert await forget_idempotency_keys(app.platform) == 1
    async with app.platform.db.read_session(all_tenants=True) as session:
        keys = list(await session.scalars(select(IdempotencyRecord.key)))
    assert keys == ["new-key"]
    late = await checkout(client, old_cart, key="old-key")
    assert late.status_code == 409 and late.json()["code"] == "CART_NOT_OPEN"
    replay = await checkout(client, new_cart_, key="new-key")
    assert replay.status_code == 201 and replay.json()["id"] == second.json()["id"]
    listed = (await client.get("/api/commerce/orders", headers=admin)).json()
    assert listed["total"] == 2


async def test_the_server_expires_pending_orders_on_its_timer(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(
        db_url, tmp_path, rate_limit="0", order_pending_ttl=1, jobs_interval=0.2
    )
    platform = bootstrap(settings, modules=[MODULE, INDEX])
    app = create_app(settings, platform=platform)
    try:
        async with serve_app(app) as client:
            admin = await signed_in(client, app, "admin")
            product = await create_product(client, admin, variants=1, stock=5)
            variant = product["variants"][0]["id"]
            order = await _order(client, variant, 3)
            status = order["status"]
            for _ in range(100):
                response = await client.get(f"/api/commerce/orders/{order['id']}", headers=admin)
                status = response.json()["status"]
                if status != "pending":
                    break
                await asyncio.sleep(0.1)
            assert status == "cancelled"
            assert (await stock_of(client, admin, variant))["reserved"] == 0
            metrics = (await client.get("/metrics")).text
            assert (
                'rustok_job_runs_total{outcome="ok",periodic_job="commerce.expire_pending_orders"}'
                in metrics
            )
    finally:
        await platform.aclose()
