"""Who sees which order (A-5 Own scope): customers their own only, on the storefront and
the admin paths; another customer's order answers 404; admins see and move all."""

from __future__ import annotations

import httpx

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in


async def test_customers_see_only_their_own_orders(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=10)
    variant = product["variants"][0]["id"]
    alice, bob = await signed_in(client, app, "customer"), await signed_in(client, app, "customer")
    orders = {}
    for name, headers in (("alice", alice), ("bob", bob)):
        cart = await new_cart(client, headers)
        await add_item(client, cart, variant, 1, headers)
        placed = await checkout(client, cart, headers=headers)
        assert placed.status_code == 201
        orders[name] = placed.json()["id"]
    guest_cart = await new_cart(client)
    await add_item(client, guest_cart, variant, 1)
    guest = (await checkout(client, guest_cart)).json()
    assert guest["customer_id"] is None
    for path in ("/api/store/orders", "/api/commerce/orders"):
        listed = await client.get(path, headers=alice)
        assert listed.status_code == 200, listed.text
        assert [o["id"] for o in listed.json()["items"]] == [orders["alice"]]
        own = await client.get(f"{path}/{orders['alice']}", headers=alice)
        assert own.status_code == 200
        other = await client.get(f"{path}/{orders['bob']}", headers=alice)
        assert other.status_code == 404 and other.json()["code"] == "NOT_FOUND"
        assert (await client.get(f"{path}/{guest['id']}", headers=alice)).status_code == 404
    everything = await client.get("/api/commerce/orders", headers=admin)
    assert everything.json()["total"] == 3
    pending = await client.get("/api/commerce/orders", params={"status": "pending"}, headers=admin)
    assert pending.json()["total"] == 3
    assert (
        await client.get(f"/api/commerce/orders/{orders['bob']}", headers=admin)
    ).status_code == 200
    # The admin's storefront list is the admin's own (none), not everybody's.
    assert (await client.get("/api/store/orders", headers=admin)).json()["total"] == 0
    moved = await client.post(f"/api/commerce/orders/{orders['alice']}/confirm", headers=alice)
    assert moved.status_code == 403
    manager = await signed_in(client, app, "manager")
    assert (
        await client.post(f"/api/commerce/orders/{orders['alice']}/confirm", headers=manager)
    ).status_code == 200
    anonymous = await client.get("/api/store/orders")
    assert anonymous.status_code == 401
    customers = await client.get("/api/commerce/customers", headers=admin)
    counts = {c["id"]: c["order_count"] for c in customers.json()["items"]}
    assert sorted(counts.values()) == [1, 1]
