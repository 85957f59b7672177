"""Content nodes over HTTP, on SQLite and on a private PostgreSQL.

Figures per database: node create latency (two translations with bodies, a category and a
tag) and publish latency, p50/p99 over sequential requests; ``GET /api/content/nodes?
per_page=50`` (anonymous, 50 published nodes with author, category and tag) requests/s with
wrk; and the SQL statements one list request costs over REST and over GraphQL (counted in
process on the same database).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
from tests.conftest import count_queries, serve_app

from bench.harness import (
    bench_env,
    migrate,
    on_both_databases,
    percentile,
    print_table,
    rustok,
    served,
    wrk,
)
from rustok.api.app import create_app
from rustok.bootstrap import load_all_settings

EMAIL, PASSWORD = "bench-editor@example.com", "bench password 123"
NODES = 200  # created (and published) sequentially per database
GRAPHQL_LIST = """{ contentNodes(first: 50) { totalCount edges { node {
    title author { name } category { name } tags { name } } } } }"""


def _ms(values: list[float]) -> str:
    return f"p50 {percentile(values, 50):.1f} ms, p99 {percentile(values, 99):.1f} ms"


def _timed(client: httpx.Client, path: str, body: Any = None) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = client.post(path, json=body)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return elapsed, result


def _write_path(client: httpx.Client) -> tuple[list[float], list[float]]:
    """Create NODES nodes, then publish each; returns both latency lists (ms)."""
    category = client.post(
        "/api/content/categories", json={"translations": [{"locale": "en", "name": "Bench"}]}
    ).json()["id"]
    tag = client.post(
        "/api/content/tags", json={"translations": [{"locale": "en", "name": "bench"}]}
    ).json()["id"]
    created, published, ids = [], [], []
    for i in range(NODES):
        body = {
            "kind": "article", "category_id": category, "tag_ids": [tag],
            "translations": [
                {"locale": "en", "title": f"Bench node {i}", "body": "Some *markdown* " * 20},
                {"locale": "de", "title": f"Messknoten {i}", "body": "Etwas *Markdown* " * 20},
            ],
        }  # fmt: skip
        elapsed, node = _timed(client, "/api/content/nodes", body)
        created.append(elapsed)
        ids.append(node["id"])
    for node_id in ids:
        elapsed, _ = _timed(client, f"/api/content/nodes/{node_id}/publish")
        published.append(elapsed)
    return created, published


async def _query_counts(database_url: str, data: Path) -> tuple[int, int]:
    settings = load_all_settings({}, warn=False, database_url=database_url, data_dir=str(data),
                             secret_key="bench-secret-key-0123456789-abcdefghijklmnop",
                             serve_events=False, rate_limit="0")  # fmt: skip
    app = create_app(settings)
    async with serve_app(app) as client:
        await client.get("/api/content/nodes?per_page=50")  # warm the tenant cache
        with count_queries(app.platform.db) as rest:
            assert (await client.get("/api/content/nodes?per_page=50")).status_code == 200
        with count_queries(app.platform.db) as graphql:
            response = await client.post("/api/graphql", json={"query": GRAPHQL_LIST})
            assert "errors" not in response.json(), response.text
    return rest.count, graphql.count


def _database(label: str, database_url: str, data: Path, seconds: int) -> list[tuple[str, str]]:
    env = bench_env(database_url, data, RUSTOK_RATE_LIMIT="0",
                    RUSTOK_LOGIN_RATE_LIMIT="1000000/minute",
                    RUSTOK_LOGIN_IP_RATE_LIMIT="1000000/minute")  # fmt: skip
    migrate(env)
    rustok(env, "user", "create", "--tenant", "default", "--email", EMAIL, "--password",
           PASSWORD, "--role", "admin")  # fmt: skip
    with served(env) as server:
        token = httpx.post(server.base_url + "/api/auth/login",
                           json={"email": EMAIL, "password": PASSWORD}).json()["access_token"]  # fmt: skip
        with httpx.Client(base_url=server.base_url, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as client:  # fmt: skip
            created, published = _write_path(client)
        url = server.base_url + "/api/content/nodes?per_page=50"
        wrk(url, seconds=2, connections=16)  # warm-up
        listing = wrk(url, seconds=seconds, connections=16)
    rest_count, graphql_count = asyncio.run(_query_counts(database_url, data))
    return [
        (f"{label}: create node (2 translations, {NODES} sequential)", _ms(created)),
        (f"{label}: publish node ({NODES} sequential)", _ms(published)),
        (f"{label}: GET list of 50, wrk -c16 (1 worker)",
         f"{listing.requests_per_second:,.0f} req/s, p50 {listing.latency_p50_ms:.1f} ms, "
         f"p99 {listing.latency_p99_ms:.1f} ms, non-2xx {listing.non_2xx}"),
        (f"{label}: SQL statements per list of 50", f"REST {rest_count}, GraphQL {graphql_count}"),
    ]  # fmt: skip


def run(seconds: int = 8) -> None:
    rows = on_both_databases(lambda label, url, data: _database(label, url, data, seconds))
    print_table("content: node writes, list-50 throughput, statements per list", rows)


if __name__ == "__main__":
    run()
