"""GraphQL twins of the storefront's REST operations (API-2): shipping options, regions,
cart update and merge, the customer's address book — same values, same error codes."""

from __future__ import annotations

import httpx

from rustok.api.app import RustokApp
from tests.modules.commerce.helpers import ADDRESS, create_product, new_cart, signed_in
from tests.modules.commerce.test_graphql import code, gql, gql_input

REGION = """mutation($i: RegionCreateInput!) {
  createRegion(input: $i) { id name currencyCode taxRateBps countries } }"""
METHOD = """mutation($i: ShippingMethodCreateInput!) {
  createShippingMethod(input: $i) { id name amount currencyCode regionId isActive } }"""
OPTIONS = """query($c: String!, $k: String) {
  storeShippingMethods(currency: $c, country: $k) { name amount } }"""
UPDATE_CART = """mutation($id: ID!, $i: CartUpdateInput!, $t: String) {
  updateCart(cartId: $id, input: $i, token: $t) {
    email countryCode shippingMethodId shippingTotal taxTotal total } }"""


async def test_regions_and_shipping_options(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    region = await gql(
        client, REGION, admin,
        i={"name": "EU", "currencyCode": "EUR", "taxRateBps": 2000, "countries": ["FR", "DE"]},
    )  # fmt: skip
    eu = region["data"]["createRegion"]
    assert (eu["countries"], eu["taxRateBps"]) == (["DE", "FR"], 2000)
    express = {"name": "Express", "currencyCode": "EUR", "amount": 1500, "regionId": eu["id"]}
    standard = {"name": "Standard", "currencyCode": "EUR", "amount": 500}
    for body in (express, standard):
        assert "errors" not in await gql(client, METHOD, admin, i=body)
    listed = await gql(client, "{ regions { name } shippingMethods { name } }", admin)
    assert listed["data"] == {
        "regions": [{"name": "EU"}],
        "shippingMethods": [{"name": "Express"}, {"name": "Standard"}],
    }
    # Public, as GET /api/store/shipping-methods: cheapest first, region-bound only inside it.
    to_france = await gql(client, OPTIONS, c="EUR", k="FR")
    assert to_france["data"]["storeShippingMethods"] == [
        {"name": "Standard", "amount": 500},
        {"name": "Express", "amount": 1500},
    ]
    to_japan = await gql(client, OPTIONS, c="EUR", k="JP")
    assert to_japan["data"]["storeShippingMethods"] == [{"name": "Standard", "amount": 500}]
    rest = await client.get("/api/store/shipping-methods", params={"currency": "eur"})
    bad = await gql(client, OPTIONS, c="eur")
    assert code(bad) == rest.json()["code"] == "VALIDATION_ERROR"
    # A method in another currency than its region's: the service's own check.
    wrong = await gql(client, METHOD, admin, i={**express, "currencyCode": "USD"})
    assert code(wrong) == "VALIDATION_ERROR"
    assert wrong["errors"][0]["extensions"]["errors"] == {
        "currency_code": ["must be the region's currency"]
    }
    customer = await signed_in(client, app, "customer")
    assert code(await gql(client, "{ regions { id } }", customer)) == "FORBIDDEN"
    deleted = await gql(client, "mutation($id: ID!) { deleteRegion(id: $id) }", admin, id=eu["id"])
    assert deleted["data"] == {"deleteRegion": True}
    again = await gql(client, "mutation($id: ID!) { deleteRegion(id: $id) }", admin, id=eu["id"])
    assert code(again) == "NOT_FOUND"
    left = await gql(client, "{ shippingMethods { name } }", admin)
    assert left["data"]["shippingMethods"] == [{"name": "Standard"}]  # the region's went too


async def test_update_and_merge_cart(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, price=2000, variants=1)
    variant = product["variants"][0]["id"]
    method = await gql(
        client, METHOD, admin, i={"name": "Post", "currencyCode": "USD", "amount": 700}
    )
    method_id = method["data"]["createShippingMethod"]["id"]
    cart = await new_cart(client)
    await client.post(
        f"/api/store/carts/{cart['id']}/items", json={"variant_id": variant, "quantity": 2},
        headers={"X-Cart-Token": cart["token"]},
    )  # fmt: skip
    changes = {"email": "ada@example.com", "countryCode": "GB", "shippingMethodId": method_id}
    updated = await gql(client, UPDATE_CART, id=cart["id"], i=changes, t=cart["token"])
    assert updated["data"]["updateCart"] == {
        "email": "ada@example.com", "countryCode": "GB", "shippingMethodId": method_id,
        "shippingTotal": 700, "taxTotal": 0, "total": 4700,
    }  # fmt: skip
    cleared = await gql(client, UPDATE_CART, id=cart["id"], i={"email": None}, t=cart["token"])
    assert cleared["data"]["updateCart"]["email"] is None
    assert cleared["data"]["updateCart"]["countryCode"] == "GB"  # left out: unchanged
    no_token = await gql(client, UPDATE_CART, id=cart["id"], i={"email": "x@example.com"})
    rest = await client.patch(f"/api/store/carts/{cart['id']}", json={"email": "x@example.com"})
    assert code(no_token) == rest.json()["code"] == "NOT_FOUND"
    bad = await gql(client, UPDATE_CART, id=cart["id"], i={"countryCode": "gb"}, t=cart["token"])
    assert code(bad) == "VALIDATION_ERROR"
    # Merge: the anonymous cart becomes the signed-in customer's.
    customer = await signed_in(client, app, "customer")
    merge = "mutation($t: String) { mergeCart(token: $t) { id itemCount } }"
    anonymous_merge = await gql(client, merge, t=cart["token"])
    rest_merge = await client.post("/api/store/carts/merge", headers={"X-Cart-Token": "x"})
    assert code(anonymous_merge) == rest_merge.json()["code"] == "VALIDATION_ERROR"
    merged = await gql(client, merge, customer, t=cart["token"])
    assert merged["data"]["mergeCart"] == {"id": cart["id"], "itemCount": 2}
    mine = await gql(
        client, "query($id: ID!) { cart(id: $id) { itemCount } }", customer, id=cart["id"]
    )
    assert mine["data"] == {"cart": {"itemCount": 2}}  # reachable without the token now


ME = "{ myCustomer { email addresses { id city isDefault } } }"
ADD = """mutation($i: CustomerAddressInput!) {
  addMyAddress(input: $i) { addresses { id city isDefault } } }"""


async def test_address_book(client: httpx.AsyncClient, app: RustokApp) -> None:
    customer = await signed_in(client, app, "customer", email="grace@example.com")
    empty = await gql(client, ME, customer)
    assert empty["data"] == {"myCustomer": {"email": "grace@example.com", "addresses": []}}
    added = await gql(client, ADD, customer, i=gql_input({**ADDRESS, "is_default": True}))
    [address] = added["data"]["addMyAddress"]["addresses"]
    assert (address["city"], address["isDefault"]) == ("London", True)
    second = await gql(client, ADD, customer, i=gql_input({**ADDRESS, "city": "Leeds"}))
    assert [a["city"] for a in second["data"]["addMyAddress"]["addresses"]] == [
        "London", "Leeds",
    ]  # fmt: skip
    bad = await gql(client, ADD, customer, i=gql_input({**ADDRESS, "country_code": "GBR"}))
    rest = await client.post(
        "/api/store/customers/me/addresses", json={**ADDRESS, "country_code": "GBR"},
        headers=customer,
    )  # fmt: skip
    assert code(bad) == rest.json()["code"] == "VALIDATION_ERROR"
    # Another customer cannot delete it: the address book is the caller's only.
    other = await signed_in(client, app, "customer")
    drop = "mutation($id: ID!) { deleteMyAddress(id: $id) }"
    assert code(await gql(client, drop, other, id=address["id"])) == "NOT_FOUND"
    assert code(await gql(client, drop, id=address["id"])) == "UNAUTHENTICATED"
    assert (await gql(client, drop, customer, id=address["id"]))["data"] == {
        "deleteMyAddress": True
    }
    left = await gql(client, ME, customer)
    assert [a["city"] for a in left["data"]["myCustomer"]["addresses"]] == ["Leeds"]
    admin = await signed_in(client, app, "admin")
    listed = await gql(
        client, '{ customers(q: "grace") { totalCount items { email addresses { city } } } }',
        admin,
    )  # fmt: skip
    assert listed["data"]["customers"] == {
        "totalCount": 1,
        "items": [{"email": "grace@example.com", "addresses": [{"city": "Leeds"}]}],
    }
    assert code(await gql(client, "{ customers { totalCount } }", customer)) == "FORBIDDEN"
