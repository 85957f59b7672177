"""Guest order lookup: the checkout's answer carries a lookup token; number + email + token
find the order again without an account, over REST and GraphQL; any wrong part answers the
same 404 as an unknown order; attempts are throttled per address and per number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.bootstrap import load_all_settings
from rustok.core.setting_values import SettingsError
from rustok.core.settings import Settings
from rustok.modules.commerce.orders.lookup import lookup_token, token_matches
from tests.conftest import TEST_SECRET
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in
from tests.modules.commerce.test_graphql import gql

Json = dict[str, Any]
LOOKUP = "/api/store/orders/lookup"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return load_all_settings(
        environ={"RUSTOK_COMMERCE_ORDER_LOOKUP_RATE_LIMIT": "4/minute"}, warn=False,
        database_url=db_url, data_dir=str(tmp_path), media_root=str(tmp_path / "media"),
        secret_key=TEST_SECRET, rate_limit="0",
    )  # fmt: skip


async def _order(client: httpx.AsyncClient, app: RustokApp, email: str = "ada@example.com") -> Json:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin)
    cart = await new_cart(client)
    await add_item(client, cart, product["variants"][0]["id"], 1)
    placed = await checkout(client, cart, key="lookup-1", email=email)
    assert placed.status_code == 201, placed.text
    order: Json = placed.json()
    replay = await checkout(client, cart, key="lookup-1", email=email)
    assert replay.status_code == 201 and replay.json()["lookup_token"] == order["lookup_token"]
    return order


async def test_number_email_and_token_find_the_order(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    order = await _order(client, app, email="Ada@Example.com")
    token = order["lookup_token"]
    assert isinstance(token, str) and len(token) == 43
    body = {"number": order["display_number"], "email": "ada@example.COM", "token": token}
    found = await client.post(LOOKUP, json=body)
    assert found.status_code == 200, found.text
    got = found.json()
    assert got["id"] == order["id"] and got["status"] == "pending"
    assert got["lines"] == order["lines"] and got["lookup_token"] is None  # not re-shown
    # The admin's and the customer's reads do not show it either.
    admin = await signed_in(client, app, "admin")
    detail = await client.get(f"/api/commerce/orders/{order['id']}", headers=admin)
    assert detail.json()["lookup_token"] is None


async def test_any_wrong_part_is_the_404_of_an_unknown_order(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    order = await _order(client, app)
    right = {"number": order["display_number"], "email": "ada@example.com",
             "token": order["lookup_token"]}  # fmt: skip
    last = "A" if right["token"][-1] != "A" else "B"
    wrong = [
        {**right, "token": right["token"][:-1] + last},
        {**right, "email": "eve@example.com"},
        {**right, "number": order["display_number"] + 1},
        {**right, "number": 999_999},
    ]
    answers = []
    for body in wrong:  # the limit is 4 per address
        response = await client.post(LOOKUP, json=body)
        assert response.status_code == 404, response.text
        answers.append({k: response.json()[k] for k in ("type", "title", "detail", "code")})
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["code"] == "NOT_FOUND" and answers[0]["detail"] == "no such order"


async def test_lookups_are_throttled_per_address(client: httpx.AsyncClient, app: RustokApp) -> None:
    order = await _order(client, app)
    body = {"number": order["display_number"], "email": "ada@example.com", "token": "nope"}
    for _ in range(4):
        assert (await client.post(LOOKUP, json=body)).status_code == 404
    refused = await client.post(LOOKUP, json={**body, "token": order["lookup_token"]})
    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == "RATE_LIMITED"
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) == 60


async def test_bad_lookup_bodies_are_400(client: httpx.AsyncClient) -> None:
    for body in (
        {"number": 0, "email": "a@example.com", "token": "t"},
        {"number": 1, "email": "not-an-email", "token": "t"},
        {"number": 1, "email": "a@example.com", "token": ""},
        {"number": 1, "email": "a@example.com", "token": "t", "tenant_id": "x"},
    ):
        response = await client.post(LOOKUP, json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["code"] == "VALIDATION_ERROR"


GUEST_ORDER = """query($number: Int!, $email: String!, $token: String!) {
  guestOrder(number: $number, email: $email, token: $token) { id status email lookupToken }
}"""


async def test_graphql_guest_order(client: httpx.AsyncClient, app: RustokApp) -> None:
    order = await _order(client, app)
    found = await gql(
        client, GUEST_ORDER, number=order["display_number"], email="ada@example.com",
        token=order["lookup_token"],
    )  # fmt: skip
    assert found == {
        "data": {
            "guestOrder": {
                "id": order["id"], "status": "pending", "email": "ada@example.com",
                "lookupToken": None,
            }
        }
    }  # fmt: skip
    missing = await gql(
        client, GUEST_ORDER, number=order["display_number"], email="ada@example.com",
        token="wrong",
    )  # fmt: skip
    assert missing["data"] is None
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    invalid = await gql(client, GUEST_ORDER, number=0, email="ada@example.com", token="x")
    assert invalid["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


def test_the_token_is_keyed_by_the_cart_token_and_compared_whole() -> None:
    import uuid

    order_id = uuid.uuid4()
    token = lookup_token("cart-secret", order_id)
    assert token is not None and token == lookup_token("cart-secret", order_id)
    assert token != lookup_token("other-cart", order_id)
    assert token != lookup_token("cart-secret", uuid.uuid4())
    assert lookup_token(None, order_id) is None
    assert token_matches(token, token) and not token_matches(token, token[:-1])
    assert not token_matches(None, "-" * 43)  # an order without a cart has no lookup


def test_a_bad_lookup_limit_is_refused_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="RUSTOK_COMMERCE_ORDER_LOOKUP_RATE_LIMIT"):
        load_all_settings(
            environ={"RUSTOK_COMMERCE_ORDER_LOOKUP_RATE_LIMIT": "lots"}, warn=False,
            data_dir=str(tmp_path), secret_key=TEST_SECRET,
        )  # fmt: skip
