"""Checkout refusals and defaults: every error path leaves nothing behind."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from rustok.api.app import RustokApp
from rustok.modules.commerce.orders.models import Order
from tests.modules.commerce.helpers import (
    ADDRESS,
    add_item,
    checkout,
    commerce_of,
    create_product,
    new_cart,
    outbox,
    signed_in,
)

Json = dict[str, Any]


async def _order_count(app: RustokApp) -> int:
    async with app.platform.db.read_session(all_tenants=True) as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def test_without_region_or_shipping_tax_and_shipping_are_zero(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, price=1234, variants=1)
    customer = await signed_in(client, app, "customer")
    cart = await new_cart(client, customer)
    await add_item(client, cart, product["variants"][0]["id"], 2, customer)
    response = await checkout(
        client, cart, headers=customer, billing_address={**ADDRESS, "city": "Paris"}
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["tax_total"], order["shipping_total"], order["total"]) == (0, 0, 2468)
    assert order["payment_provider"] == "manual" and order["customer_id"] == cart["customer_id"]
    assert order["shipping_address"]["city"] == "London"
    assert order["billing_address"]["city"] == "Paris"
    mine = await client.get("/api/store/orders", headers=customer)
    assert [o["id"] for o in mine.json()["items"]] == [order["id"]]


async def test_refusals_leave_nothing_behind(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=4)
    variant = product["variants"][0]["id"]
    await client.post(
        "/api/commerce/discounts",
        json={"code": "OLD", "kind": "percentage", "value": 5, "ends_at": "2020-01-01T00:00:00Z"},
        headers=admin,
    )  # fmt: skip
    empty = await new_cart(client)
    problem = (await checkout(client, empty)).json()
    assert (problem["status"], problem["errors"]) == (400, {"items": ["the cart is empty"]})
    cart = await new_cart(client)
    await add_item(client, cart, variant, 2)
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"payment_provider": "bitcoin"}, 400, "VALIDATION_ERROR"),
        ({"discount_code": "OLD"}, 409, "DISCOUNT_UNAVAILABLE"),
        ({"discount_code": "NONE"}, 409, "DISCOUNT_UNAVAILABLE"),
        ({"shipping_method": "00000000-0000-0000-0000-0000000000dd"}, 400, "VALIDATION_ERROR"),
        ({"payment_provider": "test", "payment_token": "tok_decline"}, 402, "PAYMENT_DECLINED"),
        (
            {"payment_provider": "test", "payment_token": "tok_error"},
            503,
            "PAYMENT_PROVIDER_FAILED",
        ),
        ({"email": "not-an-email"}, 400, "VALIDATION_ERROR"),
    ]
    for extra, status, code in cases:
        response = await checkout(client, cart, **extra)
        assert (response.status_code, response.json()["code"]) == (status, code), (
            extra,
            response.text,
        )
    no_token = await client.post(
        f"/api/store/carts/{cart['id']}/checkout",
        json={"email": "a@b.co", "shipping_address": ADDRESS},
    )
    assert no_token.status_code == 404
    bad_key = await checkout(client, cart, key="spaces are not allowed")
    assert bad_key.status_code == 400
    await client.post(f"/api/commerce/products/{product['id']}/unpublish", headers=admin)
    unavailable = await checkout(client, cart)
    assert unavailable.status_code == 409 and unavailable.json()["code"] == "VARIANT_UNAVAILABLE"
    assert variant in unavailable.json()["errors"]
    assert await _order_count(app) == 0
    assert await outbox(app, "order.", "checkout.", "payment.", "inventory.reserved") == []
    level = (await client.get(f"/api/commerce/variants/{variant}/inventory", headers=admin)).json()
    assert level["reserved"] == 0
    await client.post(f"/api/commerce/products/{product['id']}/publish", headers=admin)
    assert (await checkout(client, cart)).status_code == 201


async def test_a_failing_provider_opens_its_circuit(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=50)
    payments = commerce_of(app).payments
    provider: Any = payments.get("test")
    provider.fail_authorizations = True
    try:
        codes = []
        cart: Json = {}
        for _ in range(6):
            cart = await new_cart(client)
            await add_item(client, cart, product["variants"][0]["id"], 1)
            codes.append((await checkout(client, cart, payment_provider="test")).json()["code"])
        assert codes == ["PAYMENT_PROVIDER_FAILED"] * 5 + ["CIRCUIT_OPEN"]
        calls = [c for c in provider.calls if c[0] == "authorize"]
        assert len(calls) == 5  # the sixth never reached the provider
        manual = await checkout(client, cart)  # another provider is unaffected
        assert manual.status_code == 201
    finally:
        provider.fail_authorizations = False
        payments.breaker("test").reset()
