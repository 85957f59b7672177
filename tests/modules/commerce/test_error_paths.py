"""The remaining refusals, each with its status and code."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from rustok.api.app import RustokApp
from rustok.modules.commerce.catalog.service import unique_violation
from tests.modules.commerce.checkout.test_concurrency import _carts
from tests.modules.commerce.helpers import (
    add_item,
    checkout,
    commerce_of,
    create_product,
    new_cart,
    signed_in,
)
from tests.modules.commerce.test_graphql import code, gql

Json = dict[str, Any]


def expect(response: httpx.Response, status: int, error: str) -> None:
    assert (response.status_code, response.json()["code"]) == (status, error), response.text


async def test_stock_held_by_open_orders_blocks_deletes(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, stock=5)
    held, free = product["variants"]
    cart = await new_cart(client)
    await add_item(client, cart, held["id"], 1)
    order = (await checkout(client, cart)).json()
    await client.post(f"/api/commerce/products/{product['id']}/archive", headers=admin)
    expect(
        await client.delete(f"/api/commerce/products/{product['id']}", headers=admin),
        409,
        "PRODUCT_HAS_OPEN_ORDERS",
    )
    expect(
        await client.delete(f"/api/commerce/variants/{held['id']}", headers=admin),
        409,
        "VARIANT_RESERVED",
    )
    assert (
        await client.delete(f"/api/commerce/variants/{free['id']}", headers=admin)
    ).status_code == 204
    await client.post(f"/api/commerce/orders/{order['id']}/cancel", json={}, headers=admin)
    assert (
        await client.delete(f"/api/commerce/products/{product['id']}", headers=admin)
    ).status_code == 204
    # The order keeps what was bought although the catalogue forgot it.
    kept = (await client.get(f"/api/commerce/orders/{order['id']}", headers=admin)).json()
    assert kept["lines"][0]["sku"] == held["sku"] and kept["lines"][0]["variant_id"] is None


def test_unique_races_map_to_their_codes() -> None:
    def race(message: str) -> IntegrityError:
        return IntegrityError("INSERT", {}, Exception(message))

    assert (
        unique_violation(
            race("UNIQUE constraint failed: commerce_variants.tenant_id, commerce_variants.sku")
        ).code
        == "DUPLICATE_SKU"
    )
    assert (
        unique_violation(
            race(
                'duplicate key value violates unique constraint "uq_commerce_product_translations_tenant_id_locale_handle"'
            )
        ).code
        == "DUPLICATE_HANDLE"
    )
    assert unique_violation(race("something else")).code == "CONFLICT"


async def test_one_key_raced_by_two_carts_makes_an_order_for_each(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1, stock=50))["variants"][0]["id"]
    for round_ in range(3):
        first, second = await _carts(client, variant, 2)
        answers = await asyncio.gather(
            checkout(client, first, key=f"race-{round_}"),
            checkout(client, second, key=f"race-{round_}"),
        )
        assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
        assert len({a.json()["id"] for a in answers}) == 2
        again = await checkout(client, second, key=f"race-{round_}")
        assert again.status_code == 201 and again.json()["id"] == answers[1].json()["id"]


async def test_discount_windows_currency_and_limits(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1, stock=50))["variants"][0]["id"]
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    for body in (
        {"code": "SOON", "kind": "percentage", "value": 5, "starts_at": soon},
        {"code": "EURO", "kind": "fixed", "value": 100, "currency_code": "EUR"},
        {"code": "OFF", "kind": "percentage", "value": 5, "is_active": False},
        {"code": "ONCE", "kind": "percentage", "value": 5, "usage_limit": 1},
    ):
        assert (
            await client.post("/api/commerce/discounts", json=body, headers=admin)
        ).status_code == 201
    cart = await new_cart(client)
    await add_item(client, cart, variant, 1)
    token = {"X-Cart-Token": cart["token"]}
    reasons = {}
    for code_ in ("SOON", "EURO", "OFF"):
        response = await client.patch(
            f"/api/store/carts/{cart['id']}", json={"discount_code": code_}, headers=token
        )
        expect(response, 409, "DISCOUNT_UNAVAILABLE")
        reasons[code_] = response.json()["errors"]["discount_code"][0]
    assert reasons == {"SOON": "not valid yet", "EURO": "only for EUR", "OFF": "inactive"}
    assert (await checkout(client, cart, discount_code="ONCE")).status_code == 201
    again = await new_cart(client)
    await add_item(client, again, variant, 1)
    used_up = await checkout(client, again, discount_code="ONCE")
    expect(used_up, 409, "DISCOUNT_UNAVAILABLE")
    assert used_up.json()["errors"]["discount_code"] == ["used up"]
    listed = (await client.get("/api/commerce/discounts", headers=admin)).json()["items"]
    once = next(d for d in listed if d["code"] == "ONCE")
    lower = await client.patch(
        f"/api/commerce/discounts/{once['id']}", json={"usage_limit": 1}, headers=admin
    )
    assert lower.status_code == 200
    unknown_region = await client.post(
        "/api/commerce/shipping-methods",
        json={"name": "X", "currency_code": "USD", "amount": 1, "region_id": once["id"]}, headers=admin,
    )  # fmt: skip
    expect(unknown_region, 400, "VALIDATION_ERROR")


async def test_a_failed_capture_leaves_the_order_confirmed(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1))["variants"][0]["id"]
    cart = await new_cart(client)
    await add_item(client, cart, variant, 1)
    order = (await checkout(client, cart, payment_provider="test")).json()
    base = f"/api/commerce/orders/{order['id']}"
    await client.post(f"{base}/confirm", headers=admin)
    provider: Any = commerce_of(app).payments.get("test")
    provider.fail_captures = True
    try:
        expect(
            await client.post(f"{base}/pay", json={}, headers=admin), 503, "PAYMENT_PROVIDER_FAILED"
        )
    finally:
        provider.fail_captures = False
    after = (await client.get(base, headers=admin)).json()
    assert (after["status"], after["payment"]["status"], len(after["history"])) == (
        "confirmed",
        "authorized",
        2,
    )
    expect(
        await client.post(f"{base}/ship", json={"tracking_number": "T"}, headers=admin),
        409,
        "INVALID_TRANSITION",
    )
    expect(await client.post(f"{base}/ship", json={}, headers=admin), 400, "VALIDATION_ERROR")
    assert (await client.post(f"{base}/pay", json={}, headers=admin)).status_code == 200


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ('{ product(id: "not-a-uuid") { id } }', "VALIDATION_ERROR"),
        ("{ products(first: 500) { totalCount } }", "VALIDATION_ERROR"),
        ('{ products(first: 5, after: "bm9wZQ==") { totalCount } }', "INVALID_CURSOR"),
        ('{ storeProducts(first: 5, after: "garbage") { edges { cursor } } }', "INVALID_CURSOR"),
        ('{ storeProduct(handle: "missing") { id } }', "NOT_FOUND"),
        ('mutation { createCart(currencyCode: "usd") { id } }', "VALIDATION_ERROR"),
        ('mutation { payOrder(id: "00000000-0000-0000-0000-000000000001") { id } }', "NOT_FOUND"),
    ],
)
async def test_graphql_refusals(
    client: httpx.AsyncClient, app: RustokApp, query: str, error: str
) -> None:
    admin = await signed_in(client, app, "admin")
    assert code(await gql(client, query, admin)) == error


async def test_bounds_keep_numbers_and_text_inside_the_columns(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    dear = await create_product(client, admin, variants=1, price=10**12, policy="continue", stock=0)
    variant = dear["variants"][0]["id"]
    cart = await new_cart(client)
    token = {"X-Cart-Token": cart["token"]}
    expect(
        await client.post(f"/api/store/carts/{cart['id']}/items", json={"variant_id": variant, "quantity": 1001}, headers=token),
        400, "VALIDATION_ERROR",
    )  # fmt: skip
    await add_item(client, cart, variant, 1000)  # exactly 10^15: the largest cart total
    expect(
        await client.post(f"/api/store/carts/{cart['id']}/items", json={"variant_id": variant, "quantity": 1}, headers=token),
        400, "VALIDATION_ERROR",
    )  # fmt: skip
    cheap = (await create_product(client, admin, variants=1, price=1, policy="continue", stock=0))[
        "variants"
    ][0]["id"]
    other = await new_cart(client)
    await add_item(client, other, cheap, 100_000)
    too_many = await client.post(
        f"/api/store/carts/{other['id']}/items", json={"variant_id": cheap, "quantity": 1},
        headers={"X-Cart-Token": other["token"]},
    )  # fmt: skip
    assert too_many.status_code == 400 and "quantity" in too_many.json()["errors"]
    stock = f"/api/commerce/variants/{cheap}/inventory"
    assert (
        await client.post(f"{stock}/set", json={"quantity": 10**9}, headers=admin)
    ).status_code == 200
    expect(
        await client.post(f"{stock}/adjust", json={"delta": 1}, headers=admin),
        400,
        "VALIDATION_ERROR",
    )
    # Text that PostgreSQL cannot store never reaches it; odd tokens are just wrong tokens.
    nul = await client.get("/api/store/products/bad%00handle")
    assert nul.status_code == 400 and nul.json()["code"] == "VALIDATION_ERROR"
    assert (await client.get("/api/store/products", params={"q": "a\x00b"})).status_code == 400
    assert (
        await client.get("/api/commerce/products", params={"q": "a\x00b"}, headers=admin)
    ).status_code == 400
    odd = await client.get(
        f"/api/store/carts/{cart['id']}", headers=[(b"X-Cart-Token", "ü".encode("latin-1") * 20)]
    )
    assert odd.status_code == 404
    assert (
        code(await gql(client, '{ products(first: 1, q: "a\\u0000b") { totalCount } }', admin))
        == "VALIDATION_ERROR"
    )
    assert (
        code(await gql(client, '{ orders(first: 1, status: "lost") { totalCount } }', admin))
        == "VALIDATION_ERROR"
    )
    assert (
        code(await gql(client, '{ storeProduct(handle: "x", currency: "us") { id } }'))
        == "VALIDATION_ERROR"
    )
    assert (
        code(await gql(client, '{ storeProducts(first: 1, q: "a\\u0000") { edges { cursor } } }'))
        == "VALIDATION_ERROR"
    )


async def test_a_cart_holds_at_most_a_hundred_lines(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    body = {
        "status": "active",
        "translations": [{"locale": "en", "title": "Bolts"}],
        "variants": [
            {"sku": f"BOLT-{i}", "inventory_quantity": 5,
             "prices": [{"currency_code": "USD", "amount": 10}]}
            for i in range(101)
        ],
    }  # fmt: skip
    too_many = await client.post("/api/commerce/products", json=body, headers=admin)
    assert too_many.status_code == 400  # at most 100 variants per request
    body["variants"] = body["variants"][:100]
    first = (await client.post("/api/commerce/products", json=body, headers=admin)).json()
    extra = await create_product(client, admin, variants=1)
    cart = await new_cart(client)
    for variant in first["variants"]:
        await add_item(client, cart, variant["id"], 1)
    over = await client.post(
        f"/api/store/carts/{cart['id']}/items",
        json={"variant_id": extra["variants"][0]["id"], "quantity": 1},
        headers={"X-Cart-Token": cart["token"]},
    )
    assert over.status_code == 400 and "items" in over.json()["errors"]
    placed = await checkout(client, cart)
    assert placed.status_code == 201 and len(placed.json()["lines"]) == 100
