"""GraphQL (API-2): the same catalogue, cart, checkout and order operations as REST, with
the same permissions, validation and error codes."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.api.app import RustokApp
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import ADDRESS, product_body, signed_in

Json = dict[str, Any]


async def gql(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> Json:
    response = await client.post(
        "/api/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


def code(body: Json) -> str:
    return str(body["errors"][0]["extensions"]["code"])


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def gql_input(value: Any) -> Any:
    """A REST body as the GraphQL input: camelCase names, option maps as pairs."""
    if isinstance(value, list):
        return [gql_input(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        if key == "options" and isinstance(item, dict):  # a variant's option values
            result[key] = [{"option": k, "value": v} for k, v in item.items()]
        else:
            result[_camel(key)] = item if key == "metadata" else gql_input(item)
    return result


CREATE = "mutation($i: ProductCreateInput!) { createProduct(input: $i) { %s } }"


async def test_admin_catalogue_and_storefront_over_graphql(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    big = product_body(title="Yacht", variants=1, price=5_000_000_000, stock=1, status="draft")
    created = await gql(
        client, CREATE % "id status variants { id sku }", admin, i=gql_input(big),
    )  # fmt: skip
    assert "errors" not in created, created
    product = created["data"]["createProduct"]
    assert product["status"] == "draft"
    invalid = await gql(
        client, CREATE % "id", admin, i=gql_input({**big, "variants": []}),
    )  # fmt: skip
    assert code(invalid) == "VALIDATION_ERROR"
    published = await gql(
        client, "mutation($id: ID!) { publishProduct(id: $id) { status } }", admin, id=product["id"]
    )
    assert published["data"]["publishProduct"]["status"] == "active"
    twice = await gql(
        client, "mutation($id: ID!) { publishProduct(id: $id) { status } }", admin, id=product["id"]
    )
    assert code(twice) == "INVALID_TRANSITION"
    await outbox_settled(app.platform)  # the storefront reads the index read model
    store = await gql(
        client,
        "{ storeProducts(first: 5) { edges { node { title priceMin inStock } } pageInfo { hasNextPage } } }",
    )
    assert store["data"]["storeProducts"]["edges"][0]["node"] == {
        "title": "Yacht", "priceMin": 5_000_000_000, "inStock": True,
    }  # fmt: skip
    second = await gql(
        client, CREATE % "id", admin, i=gql_input(product_body(title="Dinghy", variants=1, price=900)),
    )  # fmt: skip
    assert "errors" not in second
    await outbox_settled(app.platform)
    page_query = """query($after: String) { storeProducts(first: 1, sort: "price_asc", after: $after) {
        edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }"""
    first_page = (await gql(client, page_query, after=None))["data"]["storeProducts"]
    assert [e["node"]["title"] for e in first_page["edges"]] == ["Dinghy"]
    assert first_page["pageInfo"]["hasNextPage"] is True
    after = first_page["pageInfo"]["endCursor"]
    assert after == first_page["edges"][0]["cursor"]
    rest = (await gql(client, page_query, after=after))["data"]["storeProducts"]
    assert [e["node"]["title"] for e in rest["edges"]] == ["Yacht"]
    assert rest["pageInfo"]["hasNextPage"] is False
    detail = await gql(client, '{ storeProduct(handle: "yacht") { variants { price } } }')
    assert detail["data"]["storeProduct"]["variants"][0]["price"] == 5_000_000_000
    variant = product["variants"][0]["id"]
    adjusted = await gql(
        client, "mutation($v: ID!) { adjustInventory(variantId: $v, delta: 4) { stocked available } }",
        admin, v=variant,
    )  # fmt: skip
    assert adjusted["data"]["adjustInventory"] == {"stocked": 5, "available": 5}
    customer = await signed_in(client, app, "customer")
    denied = await gql(
        client,
        "query($v: ID!) { variantInventory(variantId: $v) { stocked } }",
        customer,
        v=variant,
    )
    assert code(denied) == "FORBIDDEN"
    anonymous = await gql(client, "{ products(first: 1) { totalCount } }")
    assert code(anonymous) == "UNAUTHENTICATED"


async def test_cart_checkout_and_orders_over_graphql(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    made = await client.post(
        "/api/commerce/products",
        json=product_body(title="Lamp", variants=1, stock=2),
        headers=admin,
    )
    variant = made.json()["variants"][0]["id"]
    customer = await signed_in(client, app, "customer")
    cart = (await gql(client, "mutation { createCart { id token currencyCode } }", customer))[
        "data"
    ]["createCart"]
    added = await gql(
        client,
        "mutation($c: ID!, $v: ID!) { addCartItem(cartId: $c, variantId: $v, quantity: 2) { itemCount total } }",
        customer, c=cart["id"], v=variant,
    )  # fmt: skip
    assert added["data"]["addCartItem"] == {"itemCount": 2, "total": 5000}
    anonymous_read = await gql(client, "query($c: ID!) { cart(id: $c) { id } }", c=cart["id"])
    assert code(anonymous_read) == "NOT_FOUND"
    with_token = await gql(
        client, "query($c: ID!, $t: String) { cart(id: $c, token: $t) { total } }",
        c=cart["id"], t=cart["token"],
    )  # fmt: skip
    assert with_token["data"]["cart"]["total"] == 5000
    checkout = """mutation($c: ID!, $k: String, $a: AddressInput!) {
        checkout(cartId: $c, idempotencyKey: $k, input: {email: "c@example.com", shippingAddress: $a}) {
          id displayNumber status total paymentStatus lines { sku quantity } } }"""
    address = {
        "firstName": ADDRESS["first_name"], "lastName": ADDRESS["last_name"],
        "address1": ADDRESS["address1"], "city": ADDRESS["city"],
        "postalCode": ADDRESS["postal_code"], "countryCode": ADDRESS["country_code"],
    }  # fmt: skip
    first = await gql(client, checkout, customer, c=cart["id"], k="gql-1", a=address)
    assert "errors" not in first, first
    order = first["data"]["checkout"]
    assert (order["status"], order["total"], order["paymentStatus"]) == (
        "pending",
        5000,
        "authorized",
    )
    again = await gql(client, checkout, customer, c=cart["id"], k="gql-1", a=address)
    assert again["data"]["checkout"]["id"] == order["id"]
    bad_address = await gql(
        client, checkout, customer, c=cart["id"], k="gql-2", a={**address, "countryCode": "gb"}
    )
    assert code(bad_address) == "VALIDATION_ERROR"
    mine = await gql(
        client, "{ myOrders(first: 10) { totalCount edges { node { id } } } }", customer
    )
    assert mine["data"]["myOrders"]["totalCount"] == 1
    # A second cart wants more than is left: the code travels in the extensions.
    other = (await gql(client, "mutation { createCart { id token } }"))["data"]["createCart"]
    await client.post(
        "/api/commerce/variants/" + variant + "/inventory/adjust", json={"delta": 1}, headers=admin
    )
    await gql(
        client, "mutation($c: ID!, $v: ID!, $t: String) { addCartItem(cartId: $c, variantId: $v, quantity: 1, token: $t) { id } }",
        c=other["id"], v=variant, t=other["token"],
    )  # fmt: skip
    await client.post(
        "/api/commerce/variants/" + variant + "/inventory/adjust", json={"delta": -1}, headers=admin
    )
    short = await gql(
        client, checkout.replace("$k: String, ", "$k: String, $t: String, ").replace("cartId: $c,", "cartId: $c, token: $t,"),
        c=other["id"], k=None, t=other["token"], a=address,
    )  # fmt: skip
    assert code(short) == "INSUFFICIENT_INVENTORY"
    flow = [
        ("confirmOrder(id: $id)", "confirmed"), ("payOrder(id: $id)", "paid"),
        ('shipOrder(id: $id, trackingNumber: "TRK")', "shipped"), ("deliverOrder(id: $id)", "delivered"),
    ]  # fmt: skip
    for mutation, status in flow:
        moved = await gql(
            client, f"mutation($id: ID!) {{ {mutation} {{ status }} }}", admin, id=order["id"]
        )
        assert "errors" not in moved, moved
        assert next(iter(moved["data"].values()))["status"] == status
    late = await gql(
        client, "mutation($id: ID!) { cancelOrder(id: $id) { status } }", admin, id=order["id"]
    )
    assert code(late) == "INVALID_TRANSITION"
    forbidden = await gql(
        client, "mutation($id: ID!) { confirmOrder(id: $id) { status } }", customer, id=order["id"]
    )
    assert code(forbidden) == "FORBIDDEN"
    history = await gql(
        client, "query($id: ID!) { order(id: $id) { history { action toStatus data } } }", customer,
        id=order["id"],
    )  # fmt: skip
    assert [h["toStatus"] for h in history["data"]["order"]["history"]][-1] == "delivered"


async def test_typed_catalogue_inputs_validate_like_rest(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    body = product_body(title="Kettle", variants=2, status="draft", vendor="Acme",
                        metadata={"origin": "UK"})  # fmt: skip
    made = await gql(client, CREATE % "id vendor metadata variants { id sku }", admin,
                     i=gql_input(body))  # fmt: skip
    assert "errors" not in made, made
    product = made["data"]["createProduct"]
    assert (product["vendor"], product["metadata"]) == ("Acme", {"origin": "UK"})
    rest_product = await client.get(f"/api/commerce/products/{product['id']}", headers=admin)
    assert [v["options"] for v in rest_product.json()["variants"]] == [{"Size": "S"}, {"Size": "M"}]

    update = """mutation($id: ID!, $i: ProductUpdateInput!) {
        updateProduct(id: $id, input: $i) { vendor productType metadata } }"""
    typed = await gql(client, update, admin, id=product["id"], i={"productType": "Kitchen"})
    assert typed["data"]["updateProduct"] == {  # what was left out stays
        "vendor": "Acme", "productType": "Kitchen", "metadata": {"origin": "UK"},
    }  # fmt: skip
    cleared = await gql(client, update, admin, id=product["id"], i={"vendor": None})
    assert cleared["data"]["updateProduct"]["vendor"] is None

    variant = product["variants"][0]["id"]
    set_prices = """mutation($v: ID!, $p: [PriceInput!]!) {
        setVariantPrices(variantId: $v, prices: $p) { id } }"""
    priced = await gql(client, set_prices, admin, v=variant,
                       p=[{"currencyCode": "EUR", "amount": 3_000_000_000, "compareAtAmount": 3_100_000_000}])  # fmt: skip
    assert "errors" not in priced, priced
    rest = await client.get(f"/api/commerce/variants/{variant}", headers=admin)
    assert [(p["currency_code"], p["amount"]) for p in rest.json()["prices"]] == [
        ("EUR", 3_000_000_000)
    ]
    below = await gql(client, set_prices, admin, v=variant,
                      p=[{"currencyCode": "EUR", "amount": 500, "compareAtAmount": 400}])  # fmt: skip
    assert code(below) == "VALIDATION_ERROR"
    lower_case = await gql(client, set_prices, admin, v=variant,
                           p=[{"currencyCode": "eur", "amount": 500}])  # fmt: skip
    assert code(lower_case) == "VALIDATION_ERROR"

    twice = gql_input(product_body(title="Twice", variants=1))
    twice["variants"][0]["options"] *= 2  # the same option named twice
    repeated = await gql(client, CREATE % "id", admin, i=twice)
    assert code(repeated) == "VALIDATION_ERROR"
    assert repeated["errors"][0]["extensions"]["errors"] == {
        "variants.options": ["an option is given twice"]
    }
    untyped = await gql(client, CREATE % "id", admin, i={**twice, "colour": "red"})
    assert "colour" in untyped["errors"][0]["message"]  # GraphQL refuses unknown fields
    assert code(untyped) == "GRAPHQL_VALIDATION_FAILED"
    not_money = await gql(client, set_prices, admin, v=variant,
                          p=[{"currencyCode": "EUR", "amount": 1.5}])  # fmt: skip
    assert code(not_money) == "GRAPHQL_VALIDATION_FAILED"
    assert "MinorUnits" in not_money["errors"][0]["message"]
    for wrong in ("500", True):
        refused = await gql(client, set_prices, admin, v=variant,
                            p=[{"currencyCode": "EUR", "amount": wrong}])  # fmt: skip
        assert code(refused) == "GRAPHQL_VALIDATION_FAILED", wrong

    discount = (
        """mutation($i: DiscountCreateInput!) { createDiscount(input: $i) { code kind value } }"""
    )
    made_code = await gql(client, discount, admin, i={
        "code": "big", "kind": "fixed", "value": 2_500_000_000, "currencyCode": "USD",
        "startsAt": "2026-01-01T00:00:00+00:00"})  # fmt: skip
    assert made_code["data"]["createDiscount"] == {
        "code": "BIG",
        "kind": "fixed",
        "value": 2_500_000_000,
    }
    no_currency = await gql(client, discount, admin, i={"code": "x", "kind": "fixed", "value": 5})
    assert code(no_currency) == "VALIDATION_ERROR"
    customer = await signed_in(client, app, "customer")
    denied = await gql(
        client, discount, customer, i={"code": "y", "kind": "percentage", "value": 5}
    )
    assert code(denied) == "FORBIDDEN"
