"""Admin resources besides products and orders: categories, collections, price lists,
discounts, regions, shipping methods, customers and their addresses — and their refusals."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import ADDRESS, create_product, signed_in

Json = dict[str, Any]
C = "/api/commerce"


async def test_categories_and_collections(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    root = (await client.post(f"{C}/categories", json={"name": "Home"}, headers=admin)).json()
    child = await client.post(
        f"{C}/categories", json={"name": "Kitchen", "parent_id": root["id"]}, headers=admin
    )
    assert child.status_code == 201 and child.json()["parent_id"] == root["id"]
    leaf = (
        await client.post(
            f"{C}/categories", json={"name": "Cups", "parent_id": child.json()["id"]}, headers=admin
        )
    ).json()
    cycle = await client.patch(
        f"{C}/categories/{root['id']}", json={"parent_id": leaf["id"]}, headers=admin
    )
    assert cycle.status_code == 400 and "parent_id" in cycle.json()["errors"]
    orphan = await client.post(
        f"{C}/categories", json={"name": "X", "parent_id": "00000000-0000-0000-0000-0000000000ee"},
        headers=admin,
    )  # fmt: skip
    assert orphan.status_code == 400
    same = await client.post(f"{C}/categories", json={"name": "home"}, headers=admin)
    assert same.status_code == 409 and same.json()["code"] == "DUPLICATE_HANDLE"
    renamed = await client.patch(
        f"{C}/categories/{leaf['id']}", json={"name": "Mugs"}, headers=admin
    )
    assert renamed.json()["name"] == "Mugs"
    assert (
        await client.delete(f"{C}/categories/{child.json()['id']}", headers=admin)
    ).status_code == 204
    moved = (await client.get(f"{C}/categories/{leaf['id']}", headers=admin)).json()
    assert moved["parent_id"] == root["id"]  # children move up to the deleted one's parent
    listed = (await client.get(f"{C}/categories", headers=admin)).json()
    assert listed["total"] == 2
    assert (
        await client.get(f"{C}/categories/{child.json()['id']}", headers=admin)
    ).status_code == 404
    collection = await client.post(f"{C}/collections", json={"title": "Summer Sale"}, headers=admin)
    assert collection.status_code == 201 and collection.json()["handle"] == "summer-sale"
    cid = collection.json()["id"]
    product = await create_product(client, admin, collection_ids=[cid])
    assert product["collection_ids"] == [cid]
    patched = await client.patch(f"{C}/collections/{cid}", json={"title": "Winter"}, headers=admin)
    assert patched.json()["title"] == "Winter"
    assert (await client.get(f"{C}/collections", headers=admin)).json()["total"] == 1
    assert (await client.delete(f"{C}/collections/{cid}", headers=admin)).status_code == 204
    again = (await client.get(f"{C}/products/{product['id']}", headers=admin)).json()
    assert again["collection_ids"] == []
    manager = await signed_in(client, app, "manager")
    assert (
        await client.post(f"{C}/collections", json={"title": "M"}, headers=manager)
    ).status_code == 201


async def test_price_lists(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1))["variants"][0]["id"]
    window = await client.post(
        f"{C}/price-lists",
        json={"name": "Later", "starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"},
        headers=admin,
    )  # fmt: skip
    assert window.status_code == 400 and "ends_at" in window.json()["errors"]
    naive = await client.post(
        f"{C}/price-lists", json={"name": "N", "starts_at": "2030-01-01T00:00:00"}, headers=admin
    )
    assert naive.status_code == 400
    created = await client.post(f"{C}/price-lists", json={"name": "Wholesale"}, headers=admin)
    pid = created.json()["id"]
    unknown = await client.put(
        f"{C}/price-lists/{pid}/prices",
        json=[{"variant_id": "00000000-0000-0000-0000-0000000000ef", "currency_code": "USD", "amount": 1}],
        headers=admin,
    )  # fmt: skip
    assert unknown.status_code == 400
    twice = [{"variant_id": variant, "currency_code": "USD", "amount": 1}] * 2
    assert (
        await client.put(f"{C}/price-lists/{pid}/prices", json=twice, headers=admin)
    ).status_code == 400
    ok = await client.put(f"{C}/price-lists/{pid}/prices", json=twice[:1], headers=admin)
    assert ok.status_code == 200
    fetched = (await client.get(f"{C}/price-lists/{pid}", headers=admin)).json()
    assert fetched["prices"][0]["amount"] == 1
    assert (await client.get(f"{C}/price-lists", headers=admin)).json()["items"][0]["id"] == pid
    assert (await client.delete(f"{C}/price-lists/{pid}", headers=admin)).status_code == 204
    assert (await client.get(f"{C}/price-lists/{pid}", headers=admin)).status_code == 404


async def test_discount_rules_and_updates(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    refused = [
        {"code": "P", "kind": "percentage", "value": 101},
        {"code": "F", "kind": "fixed", "value": 100},
        {"code": "M", "kind": "percentage", "value": 5, "min_subtotal": 100},
        {"code": "W", "kind": "percentage", "value": 5, "starts_at": "2030-01-02T00:00:00Z",
         "ends_at": "2030-01-01T00:00:00Z"},
        {"code": "has space", "kind": "percentage", "value": 5},
    ]  # fmt: skip
    for body in refused:
        response = await client.post(f"{C}/discounts", json=body, headers=admin)
        assert response.status_code == 400, (body, response.text)
    created = await client.post(
        f"{C}/discounts", json={"code": "spring", "kind": "percentage", "value": 15}, headers=admin
    )
    assert created.status_code == 201 and created.json()["code"] == "SPRING"
    duplicate = await client.post(
        f"{C}/discounts", json={"code": "SPRING", "kind": "percentage", "value": 5}, headers=admin
    )
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "DUPLICATE_CODE"
    did = created.json()["id"]
    paused = await client.patch(
        f"{C}/discounts/{did}", json={"is_active": False, "usage_limit": 3}, headers=admin
    )
    assert paused.status_code == 200 and paused.json()["is_active"] is False
    no_currency = await client.patch(
        f"{C}/discounts/{did}", json={"min_subtotal": 10}, headers=admin
    )
    assert no_currency.status_code == 400
    assert (await client.delete(f"{C}/discounts/{did}", headers=admin)).status_code == 204
    assert (await client.patch(f"{C}/discounts/{did}", json={}, headers=admin)).status_code == 404
    manager = await signed_in(client, app, "manager")
    assert (await client.get(f"{C}/discounts", headers=manager)).status_code == 403


async def test_regions_methods_and_customers(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    region = await client.post(
        f"{C}/regions", json={"name": "Nordics", "currency_code": "EUR", "tax_rate_bps": 2500,
                              "countries": ["SE", "FI", "SE"]}, headers=admin,
    )  # fmt: skip
    assert region.status_code == 201 and region.json()["countries"] == ["FI", "SE"]
    assert (
        await client.post(
            f"{C}/regions",
            json={"name": "X", "currency_code": "EUR", "tax_rate_bps": 10001},
            headers=admin,
        )
    ).status_code == 400
    method = await client.post(
        f"{C}/shipping-methods", json={"name": "Post", "currency_code": "EUR", "amount": 900,
                                       "region_id": region.json()["id"]}, headers=admin,
    )  # fmt: skip
    assert method.status_code == 201
    assert (await client.get(f"{C}/shipping-methods", headers=admin)).json()["items"][0][
        "amount"
    ] == 900
    assert (await client.get(f"{C}/regions", headers=admin)).json()["items"][0][
        "tax_rate_bps"
    ] == 2500
    assert (
        await client.delete(f"{C}/regions/{region.json()['id']}", headers=admin)
    ).status_code == 204
    assert (await client.get(f"{C}/shipping-methods", headers=admin)).json()["items"] == []
    assert (
        await client.delete(f"{C}/shipping-methods/{method.json()['id']}", headers=admin)
    ).status_code == 404
    manager = await signed_in(client, app, "manager")
    assert (await client.get(f"{C}/regions", headers=manager)).status_code == 403

    customer = await signed_in(client, app, "customer", email="carol@example.com")
    me = await client.get("/api/store/customers/me", headers=customer)
    assert me.status_code == 200 and me.json()["addresses"] == []
    first = await client.post(
        "/api/store/customers/me/addresses", json={**ADDRESS, "is_default": True}, headers=customer
    )
    assert first.status_code == 201
    second = await client.post(
        "/api/store/customers/me/addresses", json={**ADDRESS, "city": "York", "is_default": True},
        headers=customer,
    )  # fmt: skip
    addresses = second.json()["addresses"]
    assert [(a["city"], a["is_default"]) for a in addresses] == [("York", True), ("London", False)]
    bad = await client.post(
        "/api/store/customers/me/addresses",
        json={**ADDRESS, "country_code": "GBR"},
        headers=customer,
    )
    assert bad.status_code == 400
    stranger = await signed_in(client, app, "customer")
    victim = addresses[0]["id"]
    assert (
        await client.delete(f"/api/store/customers/me/addresses/{victim}", headers=stranger)
    ).status_code == 404
    assert (
        await client.delete(f"/api/store/customers/me/addresses/{victim}", headers=customer)
    ).status_code == 204
    listed = (await client.get(f"{C}/customers", params={"q": "carol"}, headers=admin)).json()
    assert [c["email"] for c in listed["items"]] == ["carol@example.com"]
    folded = (await client.get(f"{C}/customers", params={"q": "CAROL@"}, headers=admin)).json()
    assert [c["email"] for c in folded["items"]] == ["carol@example.com"]
    wildcard = (await client.get(f"{C}/customers", params={"q": "_"}, headers=admin)).json()
    assert wildcard["items"] == []  # "_" is a character here, not LIKE's any-one
    one = await client.get(f"{C}/customers/{listed['items'][0]['id']}", headers=admin)
    assert len(one.json()["addresses"]) == 1
    admin_id = (await client.get("/api/auth/me", headers=admin)).json()["id"]
    assert (await client.get(f"{C}/customers/{admin_id}", headers=admin)).status_code == 404
