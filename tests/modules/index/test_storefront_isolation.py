"""The raw storefront reads (issue 13) stay inside the tenant, and odd input is a 400.

Two tenants hold the same handle, slug and words; each sees only its own, through REST and
GraphQL, cached or not. Forged and odd query parameters answer problems, never a 500.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx
import msgspec

from rustok.api.app import RustokApp
from rustok.core.context import DEFAULT_TENANT_ID, TenantRef
from rustok.modules.index.search import scope_token
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import tenant_ref
from tests.modules.index.support import content, product, write

SHOP = {"X-Tenant-ID": "shop"}
PRODUCT = '{ storeProduct(handle: "item-1") { title } }'
SEARCH = '{ storeSearch(q: "oak") { title } }'
LISTED = "{ storeProducts(first: 10) { edges { node { title } } } }"


async def _two_shops(app: RustokApp) -> tuple[TenantRef, TenantRef]:
    default = await app.tenancy.directory.by_id(DEFAULT_TENANT_ID)
    assert default is not None
    created = await app.tenancy.tenants().create(TenantCreate(slug="shop", name="Shop"))
    shop = await app.tenancy.directory.by_id(created.id) or tenant_ref(created)
    # The same handle, slug and words in both, told apart by their titles.
    await write(app.platform, default, product("Oak lamp of the default", 1),
                content("Oak notes of the default", 1))  # fmt: skip
    notes = msgspec.structs.replace(content("Oak notes of the market", 1), node_id=uuid.uuid4())
    await write(app.platform, shop, product("Oak lamp of the market", 1, product_id=uuid.uuid4()),
                notes)  # fmt: skip
    return default, shop


def _titles(body: dict[str, Any]) -> list[str]:
    return sorted(item["title"] for item in body["items"])


async def _rest(client: httpx.AsyncClient, headers: dict[str, str]) -> list[Any]:
    async def get(path: str) -> Any:
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    return [
        _titles(await get("/api/store/products")),
        (await get("/api/store/products/item-1"))["title"],
        (await get("/api/store/content/post/post-1"))["title"],
        _titles(await get("/api/store/search?q=oak")),
        _titles(await get("/api/store/products?q=oak")),
    ]


async def _graphql(client: httpx.AsyncClient, headers: dict[str, str]) -> list[Any]:
    answers = []
    for query in (LISTED, PRODUCT, SEARCH):
        response = await client.post("/api/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        answers.append(response.json()["data"])
    return answers


async def test_two_tenants_with_the_same_handle_and_words_each_see_their_own(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _two_shops(app)
    mine = ["Oak lamp of the default"]
    theirs = ["Oak lamp of the market"]
    expected = {
        "default": [mine, mine[0], "Oak notes of the default",
                    sorted([*mine, "Oak notes of the default"]), mine],
        "shop": [theirs, theirs[0], "Oak notes of the market",
                 sorted([*theirs, "Oak notes of the market"]), theirs],
    }  # fmt: skip
    # Twice each, interleaved: the second answers come from the answer cache.
    for _ in range(2):
        assert await _rest(client, {}) == expected["default"]
        assert await _rest(client, SHOP) == expected["shop"]
    for headers, title in (({}, mine[0]), (SHOP, theirs[0])):
        for _ in range(2):
            listed, one, found = await _graphql(client, headers)
            assert [e["node"]["title"] for e in listed["storeProducts"]["edges"]] == [title]
            assert one["storeProduct"] == {"title": title}
            assert sorted(h["title"] for h in found["storeSearch"]) == sorted(
                [title, title.replace("lamp", "notes")]
            )


async def test_a_search_never_matches_the_scope_token(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """The scope token is a word of every entry; what a visitor types must not match it —
    neither a prefix of it (every word is a prefix query) nor another tenant's token."""
    default, shop = await _two_shops(app)
    for tenant, headers in ((default, {}), (shop, SHOP)):
        for other in (default, shop):
            token = scope_token(other.id, "en")
            for q in ("s", token[:5], token):
                found = await client.get(f"/api/store/search?q={q}", headers=headers)
                assert (found.status_code, found.json()["items"]) == (200, []), (tenant.slug, q)
                listed = await client.get(f"/api/store/products?q={q}", headers=headers)
                assert (listed.status_code, listed.json()["items"]) == (200, []), (tenant.slug, q)


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


_ID = str(uuid.uuid4())
BAD_PRODUCT_QUERIES = (
    "limit=abc", "limit=1e3", "limit=-0", "limit=99999999999999999999999", "limit=%00",
    "min_price=1e30", "min_price=abc", "max_price=-5", "in_stock=maybe", "currency=%C3%A9ur",
    "locale=..%2F..%2Fetc", "locale=%00en", "sort=%00", "category=a%00b", "q=%00",
    "q=" + "x" * 201, "cursor=" + "A" * 5000, "cursor=%FF%FE",
    "cursor=" + _cursor({"s": "newest", "v": "0001-01-01T00:00:00+14:00", "id": _ID}),
    "cursor=" + _cursor({"s": "newest", "v": "9999-12-31T23:59:59-14:00", "id": _ID}),
    "cursor=" + _cursor({"s": "newest", "v": "2026-01-01T00:00:00", "id": _ID}),
    "sort=title&cursor=" + _cursor({"s": "title", "v": "\ud800", "id": _ID}),
    "sort=title&cursor=" + _cursor({"s": "title", "v": "a\u0000", "id": _ID}),
    "sort=price_asc&cursor=" + _cursor({"s": "price_asc", "v": 2**63, "id": _ID}),
    "sort=price_asc&cursor=" + _cursor({"s": "price_asc", "v": 5, "id": "not-an-id"}),
    "sort=relevance&cursor=" + _cursor({"s": "relevance", "o": -1}),
    "cursor=" + _cursor({"s": "oldest", "v": "2026-01-01T00:00:00Z", "id": _ID}),
)  # fmt: skip
ODD_SEARCHES = ('"', "NEAR(a b)", "*", "a OR b", ":*", "!&|", "^x", "title:x", "-", "' OR 1=1 --",
                "a\\", "(", "日本語", "e\u0301", "x" * 200)  # fmt: skip


async def test_forged_and_odd_parameters_answer_problems_not_500s(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _two_shops(app)
    for query in BAD_PRODUCT_QUERIES:
        response = await client.get(f"/api/store/products?{query}")
        assert response.status_code == 400, (query, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), query
        assert response.json()["code"] in ("VALIDATION_ERROR", "INVALID_CURSOR"), query
    for path in ("/api/store/products/%00", "/api/store/products/" + "h" * 2000,
                 "/api/store/content/post/%00", "/api/store/products/item-1?currency=%00",
                 "/api/store/products/item-1?locale=" + "x" * 11,
                 "/api/store/search?q=oak&limit=0", "/api/store/search?q=%7F"):  # fmt: skip
        response = await client.get(path)
        assert response.status_code in (400, 404), (path, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json"), path
    for words in ODD_SEARCHES:
        for path in ("/api/store/search", "/api/store/products"):
            response = await client.get(path, params={"q": words})
            assert response.status_code in (200, 400), (words, response.status_code, response.text)
            if response.status_code == 400:
                assert response.json()["code"] == "VALIDATION_ERROR", words
            else:
                assert all("Oak" in item["title"] for item in response.json()["items"]), words
    odd_headers = ({"Accept-Language": "*;q=x, ,,;;, en-US;q=abc"},
                   {"Accept-Language": "x" * 4000}, {"If-None-Match": '"' * 500})  # fmt: skip
    for headers in odd_headers:
        response = await client.get("/api/store/products/item-1", headers=headers)
        assert (response.status_code, response.json()["title"]) == (200, "Oak lamp of the default")
    forged = await client.post("/api/graphql", json={"query": '{ storeProducts(first: 5, after: "'
                                                 + _cursor({"s": "newest", "v": "0001-01-01T00:00:00+14:00", "id": _ID})
                                                 + '") { edges { node { title } } } }'})  # fmt: skip
    assert forged.status_code == 200
    assert forged.json()["errors"][0]["extensions"]["code"] in (
        "INVALID_CURSOR",
        "VALIDATION_ERROR",
    )
