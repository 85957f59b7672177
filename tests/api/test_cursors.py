"""Every cursor of the API is typed: forged, foreign, garbage or oversized cursors are 400
``INVALID_CURSOR`` (REST) or that GraphQL error code — several used to answer 500."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import httpx
import msgspec
import pytest

from rustok.api.app import RustokApp
from rustok.core.platform import Platform
from rustok.web.cursors import MAX_OFFSET, offset_after, offset_cursor
from tests.api.test_problems import assert_problem
from tests.modules.commerce.helpers import create_product
from tests.modules.helpers import login_as
from tests.modules.index.support import product, write

PRODUCT_ID = str(uuid.UUID(int=7))


def b64(data: Any) -> str:
    raw = data if isinstance(data, bytes) else msgspec.json.encode(data)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def old_offset(text: str) -> str:
    """The format of the offset cursors before they were typed."""
    return base64.urlsafe_b64encode(f"offset:{text}".encode()).decode()


GARBAGE = [
    "garbage",
    "!!!not base64!!!",
    "ключ",  # not even ASCII
    b64(b"\xff\xfe not json"),
    b64(b"[" * 300),
    b64([1, 2, 3]),
    b64("a string"),
    "A" * 5000,  # oversized
]
# (sort it is sent with, cursor): each one decodes but is not a cursor of that sort.
STOREFRONT_FORGED: list[tuple[str, str]] = [
    ("newest", b64({"s": "newest", "v": "x", "id": "x"})),
    ("newest", b64({"s": "newest", "v": "2026-01-01T00:00:00", "id": PRODUCT_ID})),  # naive
    ("newest", b64({"s": "newest", "v": 5, "id": PRODUCT_ID})),
    ("newest", b64({"s": "newest", "v": "2026-01-01T00:00:00Z"})),
    # Times of their own zone that UTC cannot hold (the drivers bind UTC).
    ("newest", b64({"s": "newest", "v": "0001-01-01T00:00:00+14:00", "id": PRODUCT_ID})),
    ("oldest", b64({"s": "oldest", "v": "9999-12-31T23:59:59-14:00", "id": PRODUCT_ID})),
    ("price", b64({"s": "price", "v": 2**63 - 1, "id": PRODUCT_ID})),
    ("title", b64({"s": "title", "v": "a\u0000b", "id": PRODUCT_ID})),  # NUL: PostgreSQL fails
    ("title", b64({"s": "title", "v": "x" * 300, "id": PRODUCT_ID})),
    ("title", b64({"s": "title", "v": ["x"], "id": PRODUCT_ID})),
    ("price", b64({"s": "price", "v": 2**70, "id": PRODUCT_ID})),  # beyond BIGINT
    ("price", b64({"s": "price", "v": "100", "id": PRODUCT_ID})),
    ("price", b64({"s": "price", "v": 1.5, "id": PRODUCT_ID})),
    ("price_desc", b64({"s": "price_desc", "v": -1, "id": PRODUCT_ID})),
    ("price", b64({"s": "price_desc", "v": 100, "id": PRODUCT_ID})),  # another sort's
    ("title", b64({"s": "price", "v": 100, "id": PRODUCT_ID})),
    ("newest", b64({"s": "newest", "v": "2026-01-01T00:00:00Z", "id": PRODUCT_ID, "x": 1})),
    ("relevance", b64({"s": "relevance", "v": 1})),
    ("relevance", b64({"s": "relevance", "o": 10**20})),
    ("relevance", b64({"s": "relevance", "o": -5})),
    ("relevance", b64({"s": "relevance", "o": "3"})),
    ("relevance", b64({"s": "newest", "o": 3})),
    ("newest", b64({"o": 3})),  # an offset cursor of another list
]
# Offset cursors of the GraphQL connections.
OFFSET_FORGED = [
    old_offset("99999999999999999999999"),  # the old format with an overflowing number
    old_offset("1"),
    b64({"o": MAX_OFFSET + 1}),
    b64({"o": -1}),
    b64({"o": "5"}),
    b64({"o": 1.0}),
    b64({"o": 5, "s": "newest"}),
    b64({"s": "newest", "v": "2026-01-01T00:00:00Z", "id": PRODUCT_ID}),  # a storefront one
]


@pytest.fixture
async def storefront(app: RustokApp) -> None:
    tenant = await app.tenancy.directory.by_slug("default")
    assert tenant is not None
    await write(app.platform, tenant, *(product(f"Item {n}", n, price=100 * n) for n in range(5)))


async def store(client: httpx.AsyncClient, **params: Any) -> httpx.Response:
    return await client.get("/api/store/products", params=params)


@pytest.mark.usefixtures("storefront")
async def test_storefront_cursors_are_typed(client: httpx.AsyncClient) -> None:
    for sort in ("newest", "oldest", "title", "price_asc", "price_desc"):
        first = (await store(client, sort=sort, limit=2)).json()
        second = await store(client, sort=sort, limit=2, cursor=first["next_cursor"])
        assert second.status_code == 200, (sort, second.text)
        seen = [i["title"] for i in first["items"] + second.json()["items"]]
        assert len(set(seen)) == 4, sort
    searched = (await store(client, q="item", limit=2)).json()
    more = await store(client, q="item", limit=2, cursor=searched["next_cursor"])
    assert more.status_code == 200 and len(more.json()["items"]) == 2
    cases = [(s, c) for s in ("newest", "relevance") for c in GARBAGE] + STOREFRONT_FORGED
    for sort, cursor in cases:
        params: dict[str, Any] = {"sort": sort, "cursor": cursor}
        if sort == "relevance":
            params["q"] = "item"
        problem = assert_problem(await store(client, **params), 400, "INVALID_CURSOR")
        errors = problem["errors"]
        assert isinstance(errors, dict) and list(errors) == ["cursor"], (sort, cursor, errors)


@pytest.mark.usefixtures("storefront")
async def test_storefront_graphql_cursors_are_typed(client: httpx.AsyncClient) -> None:
    query = "query($after: String, $sort: String, $q: String) { storeProducts(first: 2, "
    query += "after: $after, sort: $sort, q: $q) { edges { cursor } pageInfo { endCursor } } }"
    page = (await client.post("/api/graphql", json={"query": query})).json()
    end = page["data"]["storeProducts"]["pageInfo"]["endCursor"]
    cases = [("newest", c) for c in GARBAGE] + STOREFRONT_FORGED + [("newest", end + "x")]
    for sort, cursor in cases:
        variables = {"after": cursor, "sort": sort, "q": "item" if sort == "relevance" else None}
        body = await client.post("/api/graphql", json={"query": query, "variables": variables})
        assert body.status_code == 200, body.text
        errors = body.json()["errors"]
        assert errors[0]["extensions"]["code"] == "INVALID_CURSOR", (sort, cursor, errors)
    resumed = await client.post("/api/graphql", json={"query": query, "variables": {"after": end}})
    assert len(resumed.json()["data"]["storeProducts"]["edges"]) == 2


CONNECTIONS = {
    "content nodes": "contentNodes(first: 1, after: $after) { pageInfo { endCursor } }",
    "commerce products": "products(first: 1, after: $after) { pageInfo { endCursor } }",
    "orders": "orders(first: 1, after: $after) { pageInfo { endCursor } }",
    "users": "users(first: 1, after: $after) { pageInfo { endCursor } }",
}


async def test_offset_cursors_of_every_connection_are_typed(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    await create_product(client, admin)
    await create_product(client, admin)
    for name, field in CONNECTIONS.items():
        query = f"query($after: String) {{ {field} }}"

        async def ask(after: str | None, query: str = query) -> dict[str, Any]:
            answer = await client.post(
                "/api/graphql", json={"query": query, "variables": {"after": after}},
                headers=admin,
            )  # fmt: skip
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body

        first = await ask(None)
        assert "errors" not in first, (name, first)
        end = next(iter(first["data"].values()))["pageInfo"]["endCursor"]
        if end is not None:  # a real cursor leads on
            assert "errors" not in await ask(end), name
        for cursor in [*GARBAGE, *OFFSET_FORGED]:
            errors = (await ask(cursor))["errors"]
            assert errors[0]["extensions"]["code"] == "INVALID_CURSOR", (name, cursor, errors)


def test_offset_cursors_round_trip() -> None:
    assert offset_after(None) == 0
    assert offset_after(offset_cursor(0)) == 1
    assert offset_after(offset_cursor(MAX_OFFSET)) == MAX_OFFSET + 1
    assert len(offset_cursor(MAX_OFFSET)) < 30
