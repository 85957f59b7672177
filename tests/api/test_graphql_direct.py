"""Read-model queries executed before Litestar (``api/graphql_direct.py``, issue 13): the same
bytes as the full path for a range of documents, the full path for everything else (errors,
persisted queries, other fields, limits, streaming), metrics as before; and the short path's
plans kept across requests (``api/graphql_leaves.py``) unless variables choose the fields."""

from __future__ import annotations

import gc
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from prometheus_client import REGISTRY

from rustok.api import graphql_leaves
from rustok.api.app import RustokApp
from rustok.api.graphql_direct import DirectQueries
from rustok.api.graphql_leaves import LeafExecutionContext
from rustok.core.settings import Settings
from tests.conftest import make_settings, outbox_settled
from tests.modules.index.instances import default_tenant
from tests.modules.index.support import content, product, write

GQL = "/api/graphql"
FULL = "/api/graphql?full=1"  # a query string: the full path (graphql_shortcut)
SUMMARY = "id handle title priceMin priceMax compareAtMax currencyCode inStock onSale thumbnail"
DOCUMENTS: list[dict[str, Any]] = [
    {"query": "query { storeProducts(first: 3) { edges { node { " + SUMMARY + " } } "
              "pageInfo { hasNextPage endCursor } } }"},
    {"query": '{ storeProduct(handle: "item-1") { id handle locale title subtitle description '
              "vendor currencyCode priceMin priceMax tags categoryNames options thumbnail "
              "inStock onSale variants { id sku title options price compareAtPrice currencyCode "
              "inventoryPolicy availableQuantity available } } }"},
    {"query": "query Q { a: storeProducts(first: 2) { ...C } __typename } "
              "fragment C on StoreProductConnection { edges { cursor node { __typename handle "
              "t: title } } pageInfo { endCursor } }", "operationName": "Q"},
    {"query": "query One { storeProducts(first: 1) { edges { node { title } } } } "
              "query Two { storeProducts(first: 2) { edges { node { handle } } } }",
     "operationName": "Two"},
    {"query": "query($n: Int!, $after: String) { storeProducts(first: $n, after: $after, "
              'sort: "title") { edges { cursor node { handle title priceMin inStock } } '
              "pageInfo { hasNextPage endCursor } } }", "variables": {"n": 2, "after": None}},
    {"query": "query($v: Boolean!) { storeProducts(first: 2) { edges { node { handle "
              "title @include(if: $v) } } } }", "variables": {"v": True}},
    {"query": "query($v: Boolean!) { storeProducts(first: 2) { edges { node { handle "
              "title @include(if: $v) } } } }", "variables": {"v": False}},
    {"query": "{ storeProducts(first: 2) { edges { node { handle title @skip(if: true) } } } }"},
    {"query": '{ storeSearch(q: "lamp") { type id kind title handleOrSlug excerpt } '
              'storeContent(kind: "post", slug: "post-1") { title tags bodyFormat } }'},
]  # fmt: skip


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    # No answer cache: every request executes (a kept answer would be sent by the shortcut).
    return make_settings(db_url, tmp_path, storefront_cache_size=0)


async def _catalogue(app: RustokApp, client: httpx.AsyncClient) -> None:
    tenant = await default_tenant(app)
    await write(app.platform, tenant, *(product(f"Lamp {n}", n) for n in range(4)),
                content("Lamp post", 1))  # fmt: skip
    await outbox_settled(app.platform)
    built = await client.post(GQL, json={"query": "{ health }"})  # builds the schema
    assert built.json() == {"data": {"health": "ok"}}


async def _both(client: httpx.AsyncClient, body: dict[str, Any], **headers: str) -> tuple[httpx.Response, httpx.Response]:  # fmt: skip
    raw = json.dumps(body).encode()
    headers = {"content-type": "application/json", **headers}
    direct = await client.post(GQL, content=raw, headers=headers)
    full = await client.post(FULL, content=raw, headers=headers)
    return direct, full


def _operations(outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "rustok_graphql_operations_total", {"operation_type": "query", "outcome": outcome}
    )
    return value or 0.0


async def test_read_model_queries_skip_litestar_with_the_full_paths_bytes(
    app: RustokApp, client: httpx.AsyncClient, executed: list[int]
) -> None:
    await _catalogue(app, client)
    for body in DOCUMENTS:
        calls, ok = len(executed), _operations("ok")
        direct, full = await _both(client, body)
        assert len(executed) == calls + 1, body  # only the one with a query string
        assert _operations("ok") == ok + 2, body  # both counted, as queries without error
        assert (direct.status_code, full.status_code) == (200, 200)
        assert direct.content == full.content, body
        assert "errors" not in direct.json(), direct.text
        assert sorted(direct.headers.keys()) == sorted(full.headers.keys())
        assert direct.headers["content-type"] == full.headers["content-type"]


async def test_variables_choose_the_fields_of_each_request(
    app: RustokApp, client: httpx.AsyncClient, executed: list[int]
) -> None:
    await _catalogue(app, client)
    executed.clear()
    query = DOCUMENTS[5]["query"]
    shown = await client.post(GQL, json={"query": query, "variables": {"v": True}})
    hidden = await client.post(GQL, json={"query": query, "variables": {"v": False}})
    assert len(executed) == 0
    assert [e["node"] for e in shown.json()["data"]["storeProducts"]["edges"]] == [
        {"handle": "item-3", "title": "Lamp 3"}, {"handle": "item-2", "title": "Lamp 2"},
    ]  # fmt: skip
    assert [e["node"] for e in hidden.json()["data"]["storeProducts"]["edges"]] == [
        {"handle": "item-3"}, {"handle": "item-2"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"query": '{ storeProduct(handle: "nope") { title } }'}, {}),  # an error
        ({"query": "{ storeProducts(first: 0) { pageInfo { hasNextPage } } }"}, {}),
        ({"query": "{ health storeProducts(first: 1) { pageInfo { hasNextPage } } }"}, {}),
        ({"query": "{ storeProducts(first: 1) { nope } }"}, {}),  # invalid
        ({"query": "{ storeProducts(first: 1) { pageInfo { hasNextPage } }"}, {}),  # no parse
        ({"query": "query One { __typename } query Two { __typename }"}, {}),  # which one?
        ({"query": "{ __typename }", "operationName": "Nope"}, {}),
        (
            {
                "query": "{ __typename }",
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}},
            },
            {},
        ),
        ({"query": "{ __typename }", "variables": {"x": json.loads("[" * 70 + "]" * 70)}}, {}),
        ({"query": "{ __typename }", "variables": []}, {}),
        ({"query": "mutation { signOut }"}, {}),
        ({"query": "{ __typename }"}, {"accept": "text/event-stream"}),
        ({"query": "{ __typename }"}, {"accept": 'multipart/mixed;subscriptionSpec="1.0"'}),
    ],
)
async def test_everything_else_goes_the_full_way(
    app: RustokApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch,
    body: dict[str, Any], headers: dict[str, str],
) -> None:  # fmt: skip
    await _catalogue(app, client)
    answered: list[bytes | None] = []
    original = DirectQueries.answer

    async def recording(self: DirectQueries, *args: Any) -> bytes | None:
        answered.append(await original(self, *args))
        return answered[-1]

    monkeypatch.setattr(DirectQueries, "answer", recording)
    direct, full = await _both(client, body, **headers)
    assert answered in ([], [None])  # not asked (a streamed answer), or declined
    assert direct.status_code == full.status_code
    assert _without_ids(direct.json()) == _without_ids(full.json())


def _without_ids(answer: Any) -> Any:
    """The answer without the ids of its request and trace (each request has its own)."""
    if isinstance(answer, dict):
        return {
            k: _without_ids(v) for k, v in answer.items() if k not in ("trace_id", "request_id")
        }
    if isinstance(answer, list):
        return [_without_ids(v) for v in answer]
    return answer


async def test_a_plain_query_goes_direct(
    app: RustokApp, client: httpx.AsyncClient, executed: list[int]
) -> None:
    await _catalogue(app, client)
    executed.clear()
    answer = await client.post(GQL, json={"query": "{ __typename }"})
    assert answer.json() == {"data": {"__typename": "Query"}}
    assert len(executed) == 0


async def test_plans_are_kept_across_requests_unless_variables_choose_the_fields(
    app: RustokApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _catalogue(app, client)
    planned: list[str] = []
    original = graphql_leaves._leaf

    def counting(context: Any, parent_type: Any, response_name: str, details: Any) -> Any:
        planned.append(response_name)
        return original(context, parent_type, response_name, details)

    monkeypatch.setattr(graphql_leaves, "_leaf", counting)
    # Documents of their own: the schema and its cached documents outlive a test.
    name = f"query Plans{uuid.uuid4().hex}"
    bodies = [{**body, "query": body["query"].replace("query", name, 1)}
              for body in (DOCUMENTS[0], DOCUMENTS[5])]  # fmt: skip
    for body in bodies:
        first = await client.post(GQL, json=body)
        assert first.status_code == 200 and "errors" not in first.json()
        assert planned, body
        planned.clear()
        again = await client.post(GQL, json=body)
        assert again.content == first.content
        if "variables" in body:  # @include(if: $v): planned for each request
            assert "title" in planned
        else:
            assert planned == []
        planned.clear()


async def test_a_plain_read_model_query_builds_graphql_cores_executor_once_per_document(
    app: RustokApp, client: httpx.AsyncClient, executed: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    await _catalogue(app, client)
    built: list[str] = []
    original = LeafExecutionContext.__init__

    def counting(self: LeafExecutionContext, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        built.append(self.operation.name.value if self.operation.name else "")

    monkeypatch.setattr(LeafExecutionContext, "__init__", counting)
    executed.clear()
    # Documents of their own: the schema and its cached documents outlive a test.
    plain = f"Plain{uuid.uuid4().hex}"
    chosen = f"Chosen{uuid.uuid4().hex}"
    bodies = {
        plain: {**DOCUMENTS[1], "query": DOCUMENTS[1]["query"].replace("{", f"query {plain} {{", 1)},
        # Variables choose its page size: graphql-core executes it on every request.
        chosen: {**DOCUMENTS[4], "query": DOCUMENTS[4]["query"].replace("query", f"query {chosen}", 1)},
    }  # fmt: skip
    answers: dict[str, list[bytes]] = {plain: [], chosen: []}
    for _ in range(3):
        for name, body in bodies.items():
            answer = await client.post(GQL, json=body)
            assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
            answers[name].append(answer.content)
    assert executed == []  # all answered before Litestar
    assert built.count(plain) == 1  # its plan, made by the first request
    assert built.count(chosen) == 3
    product = json.loads(answers[plain][0])["data"]["storeProduct"]
    assert (product["handle"], product["title"]) == ("item-1", "Lamp 1")
    assert len(set(answers[plain])) == 1 and len(set(answers[chosen])) == 1
    full = await client.post(FULL, json=bodies[plain])
    assert full.content == answers[plain][0]


async def test_an_executed_query_is_freed_without_the_cyclic_collector(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    await _catalogue(app, client)
    for body in DOCUMENTS[:2]:
        await client.post(GQL, json=body)  # its document checked and its plans made
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector frees is kept in gc.garbage
    try:
        for body in DOCUMENTS[:2] * 3:
            answer = await client.post(GQL, json=body)
            assert answer.status_code == 200 and "errors" not in answer.json()
        gc.collect()
        cyclic = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    # The execution context, and with it the request's GraphQL context, were freed when the
    # request ended (a cycle would have kept them, and all they hold, until a collection).
    assert not cyclic & {"LeafExecutionContext", "GraphQLContext", "GraphQLResolveInfoHelpers"}


async def test_without_the_answer_cache_a_read_is_not_weighed(
    app: RustokApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _catalogue(app, client)
    encoded: list[str] = []
    original = msgspec.json.encode

    def recording(value: Any, *args: Any, **kwargs: Any) -> bytes:
        encoded.append(type(value).__name__)
        return original(value, *args, **kwargs)

    monkeypatch.setattr(msgspec.json, "encode", recording)
    for body in DOCUMENTS[:2]:
        answer = await client.post(GQL, json=body)
        assert answer.status_code == 200 and "errors" not in answer.json()
    # The answers and the end cursor only: the rows read (a page, a product) were not
    # encoded to be weighed for a cache that keeps nothing.
    assert encoded == ["DateCursor", "dict", "dict"]
