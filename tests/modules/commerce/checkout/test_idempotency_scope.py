"""Checkout idempotency keys are scoped to their cart (issue 12, item 11): two customers'
``order-1`` never collide, and a retry answers only the order of its own cart."""

from __future__ import annotations

import httpx

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in


async def test_two_customers_may_send_the_same_key(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1, stock=10))["variants"][0]["id"]
    alice = await signed_in(client, app, "customer", "alice@example.com")
    bob = await signed_in(client, app, "customer", "bob@example.com")
    orders = {}
    for name, headers in (("alice", alice), ("bob", bob), ("anonymous", None)):
        cart = await new_cart(client, headers)
        await add_item(client, cart, variant, 1, headers)
        placed = await checkout(client, cart, key="order-1", headers=headers)
        assert placed.status_code == 201, placed.text
        again = await checkout(client, cart, key="order-1", headers=headers)
        assert again.status_code == 201 and again.json()["id"] == placed.json()["id"]
        orders[name] = placed.json()
    assert len({o["id"] for o in orders.values()}) == 3
    assert orders["alice"]["customer_id"] != orders["bob"]["customer_id"]
    assert orders["anonymous"]["customer_id"] is None
    stock = await client.get(f"/api/commerce/variants/{variant}/inventory", headers=admin)
    assert stock.json()["reserved"] == 3
