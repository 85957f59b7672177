"""The order flow end to end over HTTP (SM-2, CO-3..5): catalogue → cart → checkout with a
discount → pending order with its totals and reserved stock → confirm → pay → ship →
deliver, with the outbox holding the events in order; cancellation and refund paths."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import (
    add_item,
    checkout,
    commerce_of,
    create_product,
    new_cart,
    outbox,
    signed_in,
    stock_of,
)

Json = dict[str, Any]


async def _discount(client: httpx.AsyncClient, admin: dict[str, str], **body: Any) -> Json:
    response = await client.post("/api/commerce/discounts", json=body, headers=admin)
    assert response.status_code == 201, response.text
    found: Json = response.json()
    return found


async def _placed_order(
    client: httpx.AsyncClient, app: RustokApp
) -> tuple[Json, Json, dict[str, str]]:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, title="Linen shirt", price=2000, stock=10)
    small, medium = product["variants"]
    assert (small["prices"][0]["amount"], medium["prices"][0]["amount"]) == (2000, 2100)
    await _discount(client, admin, code="save10", kind="percentage", value=10)
    region = await client.post(
        "/api/commerce/regions",
        json={"name": "UK", "currency_code": "USD", "tax_rate_bps": 2000, "countries": ["GB"]},
        headers=admin,
    )
    assert region.status_code == 201, region.text
    method = await client.post(
        "/api/commerce/shipping-methods",
        json={"name": "Courier", "currency_code": "USD", "amount": 499,
              "region_id": region.json()["id"]},
        headers=admin,
    )  # fmt: skip
    assert method.status_code == 201, method.text
    cart = await new_cart(client)
    await add_item(client, cart, small["id"], 2)
    cart = await add_item(client, cart, medium["id"], 1)
    assert cart["subtotal"] == 2 * 2000 + 2100
    response = await checkout(client, cart, key="flow-1", discount_code="SAVE10")
    assert response.status_code == 201, response.text
    return response.json(), product, admin


async def test_checkout_creates_a_pending_order_with_totals_and_reserved_stock(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    order, product, admin = await _placed_order(client, app)
    small, medium = product["variants"]
    assert order["status"] == "pending"
    assert order["display_number"] == 1
    assert order["subtotal"] == 6100
    assert order["discount_total"] == 610  # 10 %, rounded down
    assert order["tax_total"] == 1098  # 20 % of 5490
    assert order["shipping_total"] == 499
    assert order["total"] == 6100 - 610 + 1098 + 499
    assert [line["quantity"] for line in order["lines"]] == [2, 1]
    assert sum(line["discount_total"] for line in order["lines"]) == 610
    assert order["payment"]["status"] == "authorized"
    assert order["payment"]["provider"] == "manual"
    assert order["allowed_actions"] == ["confirm", "cancel"]
    stock = await stock_of(client, admin, small["id"])
    assert (stock["stocked"], stock["reserved"], stock["available"]) == (10, 2, 8)
    assert (await stock_of(client, admin, medium["id"]))["reserved"] == 1
    discounts = (await client.get("/api/commerce/discounts", headers=admin)).json()
    assert discounts["items"][0]["usage_count"] == 1


async def test_order_walks_the_state_machine_and_the_outbox_keeps_the_story(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    order, product, admin = await _placed_order(client, app)
    small = product["variants"][0]
    base = f"/api/commerce/orders/{order['id']}"
    confirmed = await client.post(f"{base}/confirm", headers=admin)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"
    paid = await client.post(f"{base}/pay", headers=admin)  # the body may be left out
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    assert paid.json()["payment"]["status"] == "captured"
    assert paid.json()["payment_id"] == order["payment"]["id"]
    shipped = await client.post(
        f"{base}/ship", json={"tracking_number": "TRK-1", "carrier": "DHL"}, headers=admin
    )
    assert shipped.status_code == 200, shipped.text
    assert (shipped.json()["tracking_number"], shipped.json()["carrier"]) == ("TRK-1", "DHL")
    stock = await stock_of(client, admin, small["id"])
    assert (stock["stocked"], stock["reserved"], stock["available"]) == (8, 0, 8)
    delivered = await client.post(f"{base}/deliver", headers=admin)
    assert delivered.status_code == 200, delivered.text
    body = delivered.json()
    assert body["status"] == "delivered" and body["allowed_actions"] == []
    assert [(h["action"], h["to_status"]) for h in body["history"]] == [
        ("place", "pending"), ("confirm", "confirmed"), ("pay", "paid"), ("ship", "shipped"),
        ("deliver", "delivered"),
    ]  # fmt: skip
    assert body["history"][3]["data"] == {"tracking_number": "TRK-1", "carrier": "DHL"}
    again = await client.post(f"{base}/confirm", headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "INVALID_TRANSITION"

    events = [
        e.event_type for e in await outbox(app, "order.", "checkout.", "payment.", "cart.completed")
    ]
    assert events == [
        "order.placed", "payment.authorized", "cart.completed", "checkout.completed",
        "order.status_changed", "payment.captured", "order.status_changed",
        "order.status_changed", "order.status_changed", "order.completed",
    ]  # fmt: skip
    checkout_rows = [
        e for e in await outbox(app) if e.event_type.startswith(("inventory.", "order.placed"))
    ]
    kinds = [e.event_type for e in checkout_rows]
    assert kinds.index("order.placed") > kinds.index("inventory.updated")
    updated = [e for e in checkout_rows if e.event_type == "inventory.updated"]
    default_location = (await client.get("/api/commerce/stock-locations", headers=admin)).json()
    assert {e.payload["location_id"] for e in updated} == {default_location["items"][0]["id"]}


async def test_cancel_releases_stock_and_the_discount_use(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    order, product, admin = await _placed_order(client, app)
    small = product["variants"][0]
    response = await client.post(
        f"/api/commerce/orders/{order['id']}/cancel", json={"reason": "changed mind"},
        headers=admin,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "changed mind"
    assert body["refunded"] is False and body["payment"]["status"] == "voided"
    stock = await stock_of(client, admin, small["id"])
    assert (stock["stocked"], stock["reserved"], stock["available"]) == (10, 0, 10)
    discounts = (await client.get("/api/commerce/discounts", headers=admin)).json()
    assert discounts["items"][0]["usage_count"] == 0
    types = [e.event_type for e in await outbox(app, "inventory.released", "order.cancelled")]
    assert types == ["inventory.released", "inventory.released", "order.cancelled"]


async def test_cancel_of_a_paid_order_refunds_through_the_provider(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=3)
    cart = await new_cart(client)
    await add_item(client, cart, product["variants"][0]["id"], 1)
    placed = await checkout(client, cart, payment_provider="test")
    assert placed.status_code == 201, placed.text
    base = f"/api/commerce/orders/{placed.json()['id']}"
    assert (await client.post(f"{base}/confirm", headers=admin)).status_code == 200
    paid = await client.post(f"{base}/pay", json={"payment_id": "bank-ref-42"}, headers=admin)
    assert paid.status_code == 200 and paid.json()["payment_id"] == "bank-ref-42"
    provider: Any = commerce_of(app).payments.get("test")
    failing = await _refund_failing(client, app, base, admin)
    assert failing.status_code == 503 and failing.json()["code"] == "PAYMENT_PROVIDER_FAILED"
    response = await client.post(f"{base}/cancel", json={}, headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "cancelled" and body["refunded"] is True
    assert body["payment"]["status"] == "refunded"
    assert body["history"][-1]["data"]["refund_id"] == body["payment"]["refund_reference"]
    assert ("refund", body["payment"]["capture_reference"]) in provider.calls
    stock = await stock_of(client, admin, product["variants"][0]["id"])
    assert (stock["stocked"], stock["reserved"]) == (3, 0)
    refunded = await outbox(app, "payment.refunded")
    assert len(refunded) == 1 and refunded[0].payload["amount"] == body["total"]


async def _refund_failing(
    client: httpx.AsyncClient, app: RustokApp, base: str, admin: dict[str, str]
) -> httpx.Response:
    """A provider failure leaves the paid order as it was (the transition rolls back)."""
    provider: Any = commerce_of(app).payments.get("test")
    provider.fail_refunds = True
    try:
        response = await client.post(f"{base}/cancel", json={}, headers=admin)
    finally:
        provider.fail_refunds = False
    order = (await client.get(base, headers=admin)).json()
    assert order["status"] == "paid" and order["payment"]["status"] == "captured"
    return response
