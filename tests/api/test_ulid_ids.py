"""Ids accepted as UUID or ULID text wherever one is taken (ID-1): path parameters, JSON
bodies, GraphQL ``ID`` arguments and inputs; answers always give the UUID form."""

from __future__ import annotations

import uuid

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.id_text import with_uuid_ids
from rustok.core.ids import id_to_ulid
from rustok.modules.commerce.carts.schemas import CartItemCreate
from tests.modules.commerce.helpers import cart_headers, create_product, new_cart, signed_in
from tests.modules.commerce.test_graphql import gql


def ulid(value: str, *, lower: bool = False) -> str:
    text = id_to_ulid(uuid.UUID(value))
    return text.lower() if lower else text


async def test_a_ulid_in_a_path_and_a_body(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin)
    for text in (ulid(product["id"]), ulid(product["id"], lower=True)):
        found = await client.get(f"/api/commerce/products/{text}", headers=admin)
        assert found.status_code == 200, found.text
        assert found.json()["id"] == product["id"]  # the UUID form
    variant = product["variants"][0]["id"]
    cart = await new_cart(client)
    added = await client.post(
        f"/api/store/carts/{ulid(cart['id'])}/items", headers=cart_headers(cart),
        json={"variant_id": ulid(variant), "quantity": 2},
    )  # fmt: skip
    assert added.status_code == 201, added.text
    assert [(i["variant_id"], i["quantity"]) for i in added.json()["items"]] == [(variant, 2)]
    assert added.json()["id"] == cart["id"]


async def test_what_is_no_id_stays_as_sent(client: httpx.AsyncClient, app: RustokApp) -> None:
    """A ULID-shaped handle is a handle; a ULID-shaped title stays a title; a 26-character
    text that is no ULID is refused like any bad id."""
    admin = await signed_in(client, app, "admin")
    looks_like_one = id_to_ulid(uuid.uuid4())
    missing = await client.get(f"/api/store/products/{looks_like_one}")
    assert missing.status_code == 404
    assert looks_like_one in missing.json()["detail"]  # looked up as the handle it is
    titled = await create_product(client, admin, title=looks_like_one)
    assert titled["translations"][0]["title"] == looks_like_one
    assert (
        await client.get(f"/api/commerce/products/{'8' * 26}", headers=admin)
    ).status_code == 404
    cart = await new_cart(client)
    bad = await client.post(
        f"/api/store/carts/{cart['id']}/items", headers=cart_headers(cart),
        json={"variant_id": "U" * 26, "quantity": 1},
    )  # fmt: skip
    assert bad.status_code == 400 and "variant_id" in bad.json()["errors"]


async def test_ulids_in_graphql(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin)
    found = await gql(client, "query($id: ID!) { product(id: $id) { id } }", admin,
                      id=ulid(product["id"]))  # fmt: skip
    assert found == {"data": {"product": {"id": product["id"]}}}
    cart = await new_cart(client)
    added = await gql(
        client,
        "mutation($cart: ID!, $variant: ID!, $token: String) {"
        " addCartItem(cartId: $cart, variantId: $variant, quantity: 1, token: $token)"
        " { id items { variantId quantity } } }",
        cart=ulid(cart["id"], lower=True), variant=ulid(product["variants"][0]["id"]),
        token=cart["token"],
    )  # fmt: skip
    assert added == {
        "data": {
            "addCartItem": {
                "id": cart["id"],
                "items": [{"variantId": product["variants"][0]["id"], "quantity": 1}],
            }
        }
    }
    bad = await gql(client, "query($id: ID!) { product(id: $id) { id } }", admin, id="nope")
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


@pytest.mark.sql_free
def test_only_uuid_positions_are_rewritten() -> None:
    an_id = uuid.uuid4()
    text = id_to_ulid(an_id)
    assert with_uuid_ids({"variant_id": text, "quantity": 1}, CartItemCreate) == {
        "variant_id": str(an_id), "quantity": 1,
    }  # fmt: skip
    assert with_uuid_ids({"variant_id": text, "x": text}, CartItemCreate)["x"] == text
    assert with_uuid_ids([text, None], list[uuid.UUID | None]) == [str(an_id), None]
    assert with_uuid_ids({text: [text]}, dict[uuid.UUID, list[str]]) == {str(an_id): [text]}
    assert with_uuid_ids(text, str) == text
