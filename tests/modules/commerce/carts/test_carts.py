"""Carts (CO-4): token and owner access, line items, totals with price lists, regions and
shipping, discount codes on the cart, and merging an anonymous cart on sign-in."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import add_item, create_product, new_cart, signed_in

Json = dict[str, Any]
CARTS = "/api/store/carts"


async def test_access_items_and_totals(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, price=1000, stock=50)
    small, medium = product["variants"]
    cart = await new_cart(client, email="guest@example.com")
    assert (cart["currency_code"], cart["status"], cart["total"]) == ("USD", "open", 0)
    assert len(cart["token"]) >= 32
    token = {"X-Cart-Token": cart["token"]}
    assert (await client.get(f"{CARTS}/{cart['id']}")).status_code == 404
    assert (
        await client.get(f"{CARTS}/{cart['id']}", headers={"X-Cart-Token": "x" * 43})
    ).status_code == 404
    await add_item(client, cart, small["id"], 2)
    body = await add_item(client, cart, small["id"], 1)  # same variant: one line of 3
    assert [
        (i["variant_id"], i["quantity"], i["unit_price"], i["total"]) for i in body["items"]
    ] == [(small["id"], 3, 1000, 3000)]
    body = await add_item(client, cart, medium["id"], 1)
    item = body["items"][1]["id"]
    changed = await client.patch(
        f"{CARTS}/{cart['id']}/items/{item}", json={"quantity": 4}, headers=token
    )
    assert changed.status_code == 200 and changed.json()["subtotal"] == 3000 + 4 * 1100
    zero = await client.patch(
        f"{CARTS}/{cart['id']}/items/{item}", json={"quantity": 0}, headers=token
    )
    assert zero.status_code == 400
    removed = await client.delete(f"{CARTS}/{cart['id']}/items/{item}", headers=token)
    assert removed.status_code == 200 and removed.json()["item_count"] == 3
    gone = await client.delete(f"{CARTS}/{cart['id']}/items/{item}", headers=token)
    assert gone.status_code == 404
    unknown = await client.post(
        f"{CARTS}/{cart['id']}/items", json={"variant_id": "00000000-0000-0000-0000-00000000000c",
                                             "quantity": 1}, headers=token,
    )  # fmt: skip
    assert unknown.status_code == 400 and "variant_id" in unknown.json()["errors"]
    euro_cart = await new_cart(client, currency_code="EUR")
    not_sold = await client.post(
        f"{CARTS}/{euro_cart['id']}/items", json={"variant_id": small["id"], "quantity": 1},
        headers={"X-Cart-Token": euro_cart["token"]},
    )  # fmt: skip
    assert not_sold.status_code == 400


async def test_price_lists_regions_shipping_and_codes(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, price=1000, variants=1, stock=50)
    variant = product["variants"][0]["id"]
    price_list = await client.post(
        "/api/commerce/price-lists", json={"name": "Bulk"}, headers=admin
    )
    assert price_list.status_code == 201
    prices = await client.put(
        f"/api/commerce/price-lists/{price_list.json()['id']}/prices",
        json=[{"variant_id": variant, "currency_code": "USD", "amount": 800, "min_quantity": 5}],
        headers=admin,
    )  # fmt: skip
    assert prices.status_code == 200 and len(prices.json()["prices"]) == 1
    region = await client.post(
        "/api/commerce/regions",
        json={"name": "EU-ish", "currency_code": "USD", "tax_rate_bps": 1000, "countries": ["DE"]},
        headers=admin,
    )  # fmt: skip
    cheap = await client.post(
        "/api/commerce/shipping-methods",
        json={"name": "Slow", "currency_code": "USD", "amount": 200, "region_id": region.json()["id"]},
        headers=admin,
    )  # fmt: skip
    fast = await client.post(
        "/api/commerce/shipping-methods",
        json={"name": "Fast", "currency_code": "USD", "amount": 900}, headers=admin,
    )  # fmt: skip
    mismatch = await client.post(
        "/api/commerce/shipping-methods",
        json={"name": "X", "currency_code": "EUR", "amount": 1, "region_id": region.json()["id"]},
        headers=admin,
    )  # fmt: skip
    assert mismatch.status_code == 400
    await client.post(
        "/api/commerce/discounts",
        json={"code": "BIG", "kind": "fixed", "value": 300, "currency_code": "USD", "min_subtotal": 5000},
        headers=admin,
    )  # fmt: skip
    cart = await new_cart(client)
    token = {"X-Cart-Token": cart["token"]}
    body = await add_item(client, cart, variant, 4)
    assert (body["subtotal"], body["shipping_total"], body["tax_total"]) == (4000, 900, 0)
    body = await add_item(client, cart, variant, 2)  # 6 units: the list's 800 applies
    assert body["items"][0]["unit_price"] == 800 and body["subtotal"] == 4800
    below = await client.patch(
        f"{CARTS}/{cart['id']}", json={"discount_code": "big"}, headers=token
    )
    assert below.status_code == 409 and below.json()["code"] == "DISCOUNT_UNAVAILABLE"
    await add_item(client, cart, variant, 1)
    located = await client.patch(
        f"{CARTS}/{cart['id']}", json={"discount_code": "big", "country_code": "DE"}, headers=token
    )
    assert located.status_code == 200, located.text
    body = located.json()
    assert (body["subtotal"], body["discount_total"], body["discount_code"]) == (5600, 300, "BIG")
    assert body["tax_total"] == 530 and body["shipping_total"] == 200  # 10 % of 5300; cheapest
    chosen = await client.patch(
        f"{CARTS}/{cart['id']}", json={"shipping_method_id": fast.json()["id"]}, headers=token
    )
    assert chosen.json()["shipping_total"] == 900
    assert chosen.json()["total"] == 5600 - 300 + 530 + 900
    moved = await client.patch(f"{CARTS}/{cart['id']}", json={"country_code": "FR"}, headers=token)
    assert moved.json()["tax_total"] == 0 and moved.json()["region_id"] is None
    gone = await client.patch(
        f"{CARTS}/{cart['id']}", json={"shipping_method_id": cheap.json()["id"]}, headers=token
    )
    assert gone.status_code == 400 and "shipping_method" in gone.json()["errors"]
    unknown = await client.patch(
        f"{CARTS}/{cart['id']}", json={"discount_code": "NOPE"}, headers=token
    )
    assert unknown.status_code == 409
    cleared = await client.patch(
        f"{CARTS}/{cart['id']}", json={"discount_code": None}, headers=token
    )
    assert cleared.json()["discount_total"] == 0
    options = await client.get(
        "/api/store/shipping-methods", params={"currency": "USD", "country": "DE"}
    )
    assert [m["name"] for m in options.json()["items"]] == ["Slow", "Fast"]


async def test_customer_carts_and_merge_on_sign_in(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, price=500, stock=50)
    small, medium = product["variants"]
    customer = await signed_in(client, app, "customer")
    mine = await new_cart(client, customer)
    assert mine["customer_id"] is not None
    await add_item(client, mine, small["id"], 1, customer)
    # The owner needs no cart token; others get 404 even with the bearer of another user.
    assert (await client.get(f"{CARTS}/{mine['id']}", headers=customer)).status_code == 200
    stranger = await signed_in(client, app, "customer")
    assert (await client.get(f"{CARTS}/{mine['id']}", headers=stranger)).status_code == 404
    anonymous = await new_cart(client)
    await add_item(client, anonymous, small["id"], 2)
    await add_item(client, anonymous, medium["id"], 1)
    no_token = await client.post(f"{CARTS}/merge", headers=customer)
    assert no_token.status_code == 400
    merged = await client.post(
        f"{CARTS}/merge", headers={**customer, "X-Cart-Token": anonymous["token"]}
    )
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["id"] == mine["id"]
    assert sorted((i["sku"], i["quantity"]) for i in body["items"]) == sorted(
        [(small["sku"], 3), (medium["sku"], 1)]
    )
    old = await client.get(
        f"{CARTS}/{anonymous['id']}", headers={"X-Cart-Token": anonymous["token"]}
    )
    assert old.json()["status"] == "abandoned"
    closed = await client.post(
        f"{CARTS}/{anonymous['id']}/items", json={"variant_id": small["id"], "quantity": 1},
        headers={"X-Cart-Token": anonymous["token"]},
    )  # fmt: skip
    assert closed.status_code == 409 and closed.json()["code"] == "CART_NOT_OPEN"
    # A customer without an open cart simply takes the anonymous one over.
    fresh = await new_cart(client)
    taken = await client.post(
        f"{CARTS}/merge", headers={**stranger, "X-Cart-Token": fresh["token"]}
    )
    assert taken.status_code == 200 and taken.json()["id"] == fresh["id"]
    assert (await client.get(f"{CARTS}/{fresh['id']}", headers=stranger)).status_code == 200
    stolen = await client.post(
        f"{CARTS}/merge", headers={**customer, "X-Cart-Token": fresh["token"]}
    )
    assert stolen.status_code == 404
