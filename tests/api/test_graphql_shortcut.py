"""Cached GraphQL answers sent before Litestar (``api/graphql_shortcut.py``, issue 13): the same
bytes and headers as the full path, and only for requests the full path would answer from
that cache entry — a token, a key, a cookie, another media type, a query string, a long or
unsized body all go the full way."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from prometheus_client import REGISTRY

from rustok.api.app import RustokApp
from rustok.api.graphql_answers import MAX_REQUEST_BYTES
from tests.conftest import outbox_settled
from tests.modules.index.instances import default_tenant
from tests.modules.index.support import product, write

GQL = "/api/graphql"
LIST = "{ storeProducts(first: 5) { edges { node { title handle } } } }"


def _requests_of_route(route: str) -> float:
    return sum(
        sample.value
        for family in REGISTRY.collect()
        if family.name == "rustok_http_requests"
        for sample in family.samples
        if sample.name == "rustok_http_requests_total" and sample.labels.get("route") == route
    )


async def _cached(app: RustokApp, client: httpx.AsyncClient) -> httpx.Response:
    await write(app.platform, await default_tenant(app), product("Lamp", 1))
    await outbox_settled(app.platform)
    first = await client.post(GQL, json={"query": LIST})
    assert first.status_code == 200, first.text
    assert first.json()["data"]["storeProducts"]["edges"][0]["node"]["title"] == "Lamp"
    return first


async def test_a_cached_answer_is_sent_before_litestar_with_the_same_bytes_and_headers(
    app: RustokApp, client: httpx.AsyncClient, executed: list[int]
) -> None:
    await client.post(GQL, json={"query": "{ health }"})  # the schema, built by the full path
    executed.clear()
    first = await _cached(app, client)  # executed before Litestar too (graphql_direct)
    assert len(executed) == 0
    counted = _requests_of_route(GQL)
    second = await client.post(GQL, json={"query": LIST})
    assert len(executed) == 0  # not through Litestar
    # The same body with a query string goes through Litestar, to the same cache entry.
    full = await client.post(f"{GQL}?x=1", content=json.dumps({"query": LIST}).encode(),
                             headers={"content-type": "application/json"})  # fmt: skip
    assert len(executed) == 1
    for answer in (second, full):
        assert (answer.status_code, answer.content) == (200, first.content)
        assert sorted(answer.headers.keys()) == sorted(first.headers.keys())
        assert answer.headers["content-type"] == "application/json"
        assert answer.headers["content-length"] == str(len(first.content))
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert _requests_of_route(GQL) - counted == 2  # the route of the metrics is the same


async def test_requests_that_may_name_a_caller_go_the_full_way(
    app: RustokApp, client: httpx.AsyncClient, executed: list[int]
) -> None:
    await _cached(app, client)
    token = await client.post(GQL, json={"query": LIST}, headers={"Authorization": "Bearer x"})
    assert token.status_code == 401
    assert token.headers["content-type"].startswith("application/problem+json")
    key = await client.post(GQL, json={"query": LIST}, headers={"X-Api-Key": "rk_live_nope"})
    assert key.status_code == 401
    calls = len(executed)
    cookie = await client.post(GQL, json={"query": LIST}, headers={"Cookie": "theme=dark"})
    assert cookie.status_code == 200 and len(executed) == calls + 1


async def test_other_media_types_query_strings_and_long_or_unsized_bodies_go_the_full_way(
    app: RustokApp, client: httpx.AsyncClient, executed: list[int]
) -> None:
    first = await _cached(app, client)
    body = json.dumps({"query": LIST}).encode()
    plain = await client.post(GQL, content=body, headers={"content-type": "text/plain"})
    assert plain.status_code == 415
    assert plain.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
    calls = len(executed)
    queried = await client.post(f"{GQL}?x=1", content=body,
                                headers={"content-type": "application/json"})  # fmt: skip
    assert (queried.status_code, queried.content) == (200, first.content)
    assert len(executed) == calls + 1

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        yield body[:10]
        yield body[10:]

    unsized = await client.post(GQL, content=chunks(), headers={"content-type": "application/json"})
    assert (unsized.status_code, unsized.content) == (200, first.content)
    assert len(executed) == calls + 2
    padded = json.dumps({"query": LIST + " " * MAX_REQUEST_BYTES}).encode()
    long = await client.post(GQL, content=padded, headers={"content-type": "application/json"})
    assert long.status_code == 200
    assert long.json()["data"] == first.json()["data"]
    assert len(executed) == calls + 3


async def test_a_body_longer_than_it_said_is_handed_on_whole(
    app: RustokApp, client: httpx.AsyncClient, executed: list[int]
) -> None:
    """Read up to the limit, then handed on with what is still to come: the handler gets
    every byte (a JSON document split over the limit parses)."""
    first = await _cached(app, client)
    calls = len(executed)
    body = json.dumps({"query": LIST + " " * (MAX_REQUEST_BYTES + 100)}).encode()
    parts = [body[: MAX_REQUEST_BYTES + 50], body[MAX_REQUEST_BYTES + 50 :]]
    messages = [{"type": "http.request", "body": part, "more_body": n == 0}
                for n, part in enumerate(parts)]  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": GQL, "raw_path": GQL.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000),
        "headers": [(b"host", b"test"), (b"content-type", b"application/json"),
                    (b"content-length", b"10")],
    }  # fmt: skip
    await app(scope, receive, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 200
    answer = b"".join(m.get("body", b"") for m in sent[1:])
    assert json.loads(answer)["data"] == first.json()["data"]
    assert len(executed) == calls + 1
