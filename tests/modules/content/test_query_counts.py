"""A list of N nodes with translations, author, category and tags costs the same number of
SQL statements for N = 1 and N = 50, over REST and GraphQL (API-2, DataLoaders)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from rustok.core.platform import Platform
from rustok.core.settings import Settings
from tests.conftest import count_queries, make_settings
from tests.modules.helpers import login_as

# 50 nodes x 9 fields stays under the complexity limit (600).
GRAPHQL = """{ contentNodes(first: 50) { totalCount edges { node {
    title author { name } category { name } tags { name } } } } }"""
REST_BUDGET = 6  # count, rows, translations, authors, category names, tags
GRAPHQL_BUDGET = 6  # count, rows, then one batched query per loader


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # No relay in the background: only the request's own statements are counted.
    return make_settings(db_url, tmp_path, serve_events=False)


async def _add_nodes(
    client: httpx.AsyncClient, headers: dict[str, str], count: int, category: str, tag: str
) -> None:
    for i in range(count):
        body = {
            "kind": "article", "status": "published", "category_id": category, "tag_ids": [tag],
            "translations": [{"locale": "en", "title": f"Node {i}"},
                             {"locale": "de", "title": f"Knoten {i}"}],
        }  # fmt: skip
        assert (
            await client.post("/api/content/nodes", json=body, headers=headers)
        ).status_code == 201


async def _rest(client: httpx.AsyncClient, platform: Platform) -> tuple[int, int]:
    with count_queries(platform.db) as counter:
        response = await client.get("/api/content/nodes?per_page=100")
    items = response.json()["items"]
    assert all(n["author"] and n["category"] and n["tags"] for n in items)
    return len(items), counter.count


async def _graphql(client: httpx.AsyncClient, platform: Platform) -> tuple[int, int]:
    with count_queries(platform.db) as counter:
        response = await client.post("/api/graphql", json={"query": GRAPHQL})
    body = response.json()
    assert "errors" not in body, body
    edges = body["data"]["contentNodes"]["edges"]
    assert all(e["node"]["author"] and e["node"]["category"] and e["node"]["tags"] for e in edges)
    return len(edges), counter.count


async def test_list_cost_does_not_grow_with_length(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    admin = await login_as(client, platform, "admin")
    category = await client.post(
        "/api/content/categories", json={"translations": [{"locale": "en", "name": "News"}]},
        headers=admin,
    )  # fmt: skip
    tag = await client.post(
        "/api/content/tags", json={"translations": [{"locale": "en", "name": "hot"}]}, headers=admin
    )
    ids = category.json()["id"], tag.json()["id"]
    await _add_nodes(client, admin, 1, *ids)
    rest_one, graphql_one = await _rest(client, platform), await _graphql(client, platform)
    await _add_nodes(client, admin, 49, *ids)
    rest_fifty, graphql_fifty = await _rest(client, platform), await _graphql(client, platform)
    assert (rest_one[0], rest_fifty[0], graphql_one[0], graphql_fifty[0]) == (1, 50, 1, 50)
    assert rest_one[1] == rest_fifty[1] <= REST_BUDGET, (rest_one, rest_fifty)
    assert graphql_one[1] == graphql_fifty[1] <= GRAPHQL_BUDGET, (graphql_one, graphql_fifty)
