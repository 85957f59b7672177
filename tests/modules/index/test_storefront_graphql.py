"""GraphQL storefront queries read the read models (IX-3)."""

from __future__ import annotations

from typing import Any

import httpx

from rustok.api.app import RustokApp
from rustok.core.context import DEFAULT_TENANT_ID
from tests.conftest import outbox_settled
from tests.modules.index.support import content, count_statements, product, write


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/api/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


LIST = (
    'query($n: Int!, $after: String) { storeProducts(first: $n, after: $after, sort: "title") {'
    " edges { cursor node { handle title priceMin inStock } } pageInfo { hasNextPage endCursor } } }"
)


async def test_storefront_queries(client: httpx.AsyncClient, app: RustokApp) -> None:
    tenant = await app.tenancy.directory.by_id(DEFAULT_TENANT_ID)
    assert tenant is not None
    await write(
        app.platform,
        tenant,
        *(product(f"Thing {n}", n) for n in range(3)),
        content("Hello world", 1),
    )
    first = (await gql(client, LIST, n=2))["data"]["storeProducts"]
    assert [e["node"]["title"] for e in first["edges"]] == ["Thing 0", "Thing 1"]
    assert first["pageInfo"] == {"hasNextPage": True, "endCursor": first["edges"][1]["cursor"]}
    after = first["pageInfo"]["endCursor"]
    rest = (await gql(client, LIST, n=2, after=after))["data"]["storeProducts"]
    assert [e["node"]["title"] for e in rest["edges"]] == ["Thing 2"]
    assert rest["pageInfo"]["hasNextPage"] is False
    # Every edge's cursor resumes right after that edge.
    mid = (await gql(client, LIST, n=1, after=first["edges"][0]["cursor"]))["data"]
    assert [e["node"]["title"] for e in mid["storeProducts"]["edges"]] == ["Thing 1"]
    one = await gql(client, '{ storeProduct(handle: "item-1") { title variants { sku } } }')
    assert one["data"]["storeProduct"] == {"title": "Thing 1", "variants": [{"sku": "SKU-1"}]}
    missing = await gql(client, '{ storeProduct(handle: "nope") { title } }')
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    page = await gql(client, '{ storeContent(kind: "post", slug: "post-1") { title } }')
    assert page["data"]["storeContent"] == {"title": "Hello world"}
    hits = await gql(client, '{ storeSearch(q: "hello") { type title } }')
    assert hits["data"]["storeSearch"] == [{"type": "content", "title": "Hello world"}]
    bad = await gql(client, "{ storeProducts(first: 0) { pageInfo { hasNextPage } } }")
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


async def test_graphql_list_costs_constant_queries(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    tenant = await app.tenancy.directory.by_id(DEFAULT_TENANT_ID)
    assert tenant is not None
    await write(app.platform, tenant, *(product(f"Thing {n}", n) for n in range(100)))
    await outbox_settled(app.platform)
    await gql(client, LIST, n=2)  # warm the schema and tenant caches, not these answers
    counts = []
    for n in (1, 20, 100):
        with count_statements(app.platform) as counter:
            body = await gql(client, LIST, n=n)
        assert body.get("data") and len(body["data"]["storeProducts"]["edges"]) == n, body
        counts.append(counter.counts)
    assert counts == [(1, 0)] * 3  # one raw statement per list, nothing through the ORM


async def test_edge_cursors_are_made_when_a_query_may_read_them(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """Edge cursors are encoded only when asked for (directly, by alias or in a fragment);
    the end cursor is the same either way."""
    tenant = await app.tenancy.directory.by_id(DEFAULT_TENANT_ID)
    assert tenant is not None
    await write(app.platform, tenant, *(product(f"Thing {n}", n) for n in range(4)))
    page = "pageInfo { endCursor }"
    asked = {
        "direct": f"{{ storeProducts(first: 3) {{ edges {{ cursor node {{ handle }} }} {page} }} }}",
        "alias": f"{{ storeProducts(first: 3) {{ edges {{ c: cursor }} {page} }} }}",
        "fragment": f"{{ storeProducts(first: 3) {{ edges {{ ...E }} {page} }} }} "
        "fragment E on StoreProductEdge { cursor }",
        "inline": f"{{ storeProducts(first: 3) {{ ... on StoreProductConnection "
        f"{{ edges {{ cursor }} }} {page} }} }}",
    }
    answers = {name: (await gql(client, query))["data"]["storeProducts"]
               for name, query in asked.items()}  # fmt: skip
    cursors = [e["cursor"] for e in answers["direct"]["edges"]]
    assert len(set(cursors)) == 3 and all(cursors)
    assert [e["c"] for e in answers["alias"]["edges"]] == cursors
    assert [e["cursor"] for e in answers["fragment"]["edges"]] == cursors
    assert [e["cursor"] for e in answers["inline"]["edges"]] == cursors
    unasked = f"{{ storeProducts(first: 3) {{ edges {{ node {{ handle }} }} {page} }} }}"
    bare = (await gql(client, unasked))["data"]["storeProducts"]
    assert bare["pageInfo"]["endCursor"] == cursors[-1]
    assert [e["node"]["handle"] for e in bare["edges"]] == [
        e["node"]["handle"] for e in answers["direct"]["edges"]
    ]
