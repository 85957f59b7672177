"""Every answer that carries a secret beyond the auth routes — a cart's token, a guest
order's lookup token, a webhook's signing secret — has ``Cache-Control: no-store``, over
REST and GraphQL (hardening item 13); answers without one stay cacheable by the client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.module import ModuleSpec
from rustok.core.settings import Settings
from rustok.modules.commerce.module import MODULE as COMMERCE
from rustok.modules.index.module import MODULE as INDEX
from rustok.modules.webhooks.module import MODULE as WEBHOOKS
from tests.conftest import make_settings
from tests.modules.commerce.helpers import (
    ADDRESS,
    add_item,
    cart_headers,
    checkout,
    create_product,
    new_cart,
    signed_in,
)

Json = dict[str, Any]
HOOK = {"url": "https://hooks.example.com/in", "event_types": ["order.*"]}


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [COMMERCE, INDEX, WEBHOOKS]


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0")


def cache_control(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("cache-control")
    return value


async def graphql(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> httpx.Response:
    response = await client.post(
        "/api/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response


async def test_cart_and_checkout_answers_are_not_stored(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1))["variants"][0]["id"]
    cart = await new_cart(client, currency_code="USD")
    added = await add_item(client, cart, variant, 1)
    path = f"/api/store/carts/{cart['id']}"
    read = await client.get(path, headers=cart_headers(cart))
    patched = await client.patch(path, json={"email": "a@example.com"}, headers=cart_headers(cart))
    placed = await checkout(client, cart, key="no-store-1")
    assert (read.status_code, patched.status_code, placed.status_code) == (200, 200, 201)
    assert added["token"] == read.json()["token"] == cart["token"]
    assert placed.json()["lookup_token"]
    answers = [read, patched, placed]
    assert [cache_control(a) for a in answers] == ["no-store"] * len(answers)
    created = await client.post("/api/store/carts", json={"currency_code": "USD"})
    assert cache_control(created) == "no-store"


async def test_graphql_answers_with_a_cart_or_lookup_token_are_not_stored(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    variant = (await create_product(client, admin, variants=1))["variants"][0]["id"]
    created = await graphql(client, 'mutation { createCart(currencyCode: "USD") { id token } }')
    cart = created.json()["data"]["createCart"]
    assert cache_control(created) == "no-store"
    # The same cart without its token selected: nothing secret, nothing forbidden.
    bare = await graphql(
        client, "query($id: ID!, $t: String) { cart(id: $id, token: $t) { id } }",
        id=cart["id"], t=cart["token"],
    )  # fmt: skip
    assert cache_control(bare) != "no-store"
    await graphql(
        client,
        "mutation($c: ID!, $v: ID!, $t: String) "
        "{ addCartItem(cartId: $c, variantId: $v, quantity: 1, token: $t) { id } }",
        c=cart["id"], v=variant, t=cart["token"],
    )  # fmt: skip
    address = {
        "firstName": ADDRESS["first_name"], "lastName": ADDRESS["last_name"],
        "address1": ADDRESS["address1"], "city": ADDRESS["city"],
        "postalCode": ADDRESS["postal_code"], "countryCode": ADDRESS["country_code"],
    }  # fmt: skip
    placed = await graphql(
        client,
        "mutation($c: ID!, $t: String, $a: AddressInput!) { checkout(cartId: $c, token: $t, "
        'input: {email: "g@example.com", shippingAddress: $a}) { id lookupToken } }',
        c=cart["id"], t=cart["token"], a=address,
    )  # fmt: skip
    assert placed.json()["data"]["checkout"]["lookupToken"]
    assert cache_control(placed) == "no-store"


async def test_webhook_secrets_are_not_stored(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await signed_in(client, app, "admin")
    created = await client.post("/api/admin/webhooks", json=HOOK, headers=admin)
    assert created.status_code == 201 and created.json()["secret"], created.text
    hook_id = created.json()["id"]
    rotated = await client.post(f"/api/admin/webhooks/{hook_id}/rotate-secret", headers=admin)
    assert rotated.status_code == 200 and rotated.json()["secret"] != created.json()["secret"]
    assert [cache_control(created), cache_control(rotated)] == ["no-store", "no-store"]
    shown = await client.get(f"/api/admin/webhooks/{hook_id}", headers=admin)
    assert shown.status_code == 200 and "secret" not in shown.json()
    assert cache_control(shown) != "no-store"

    made = await graphql(
        client,
        'mutation { createWebhook(input: {url: "https://hooks.example.com/gq", '
        'eventTypes: ["order.*"]}) { webhook { id } secret } }',
        admin,
    )
    assert made.json()["data"]["createWebhook"]["secret"]
    turned = await graphql(
        client, "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }", admin,
        id=made.json()["data"]["createWebhook"]["webhook"]["id"],
    )  # fmt: skip
    assert [cache_control(made), cache_control(turned)] == ["no-store", "no-store"]


async def test_api_keys_shown_once_are_not_stored(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    body = {"name": "shop-sync", "permissions": ["orders:list"]}
    created = await client.post("/api/admin/api-keys", json=body, headers=admin)
    assert created.status_code == 201 and created.json()["key"].startswith("rk_live_")
    made = await graphql(
        client,
        'mutation { createApiKey(input: {name: "gq-sync", permissions: ["orders:list"]}) { key } }',
        admin,
    )
    assert made.json()["data"]["createApiKey"]["key"].startswith("rk_live_")
    assert [cache_control(created), cache_control(made)] == ["no-store", "no-store"]
