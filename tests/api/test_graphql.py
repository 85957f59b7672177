"""GraphQL root fields and error codes (API-2, ER-2)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from rustok.core.module import ModuleSpec
from tests.probe_module import PROBE_MODULE, SECRET


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [PROBE_MODULE]


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/api/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_root_fields(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ health apiVersion modules { slug version dependencies } }")
    assert body == {
        "data": {
            "health": "ok",
            "apiVersion": "1",
            "modules": [{"slug": "probe", "version": "0.0.1", "dependencies": []}],
        }
    }


async def test_module_contribution_is_merged(client: httpx.AsyncClient) -> None:
    body = await gql(client, "query($t: String!) { probeEcho(text: $t) }", t="hello")
    assert body["data"] == {"probeEcho": "hello"}


async def test_domain_error_code_in_extensions(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ probeFail }")
    error = body["errors"][0]
    assert error["message"] == "probe refused"
    assert error["extensions"]["code"] == "INVALID_TRANSITION"
    assert len(error["extensions"]["trace_id"]) == 32


async def test_unexpected_error_is_masked(client: httpx.AsyncClient) -> None:
    body = await gql(client, "{ probeCrash }")
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    assert SECRET not in str(body)


@pytest.mark.parametrize("query", ["{ noSuchField }", "{ health ", "query { health(x: 1) }"])
async def test_invalid_query_has_validation_code(client: httpx.AsyncClient, query: str) -> None:
    body = await gql(client, query)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def _nested(levels: int) -> str:
    """A query whose deepest field (depth) sits at ``levels``: probeTree, child…, depth."""
    return "{ probeTree " + "{ child " * (levels - 2) + "{ depth }" + " }" * (levels - 1)


async def test_depth_limit(client: httpx.AsyncClient) -> None:
    allowed = await gql(client, _nested(12))
    assert "errors" not in allowed
    assert allowed["data"]["probeTree"]["child"]["child"]["child"] is not None
    refused = await gql(client, _nested(13))
    assert "exceeds maximum operation depth" in refused["errors"][0]["message"]
    assert refused["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_complexity_limit(client: httpx.AsyncClient) -> None:
    query = "query($n: Int!) { probeList(first: $n) { child { child { depth } } } }"
    allowed = await gql(client, query, n=285)  # 1 + 285 * (1 + 1 + 0.1) = 599.5
    assert "errors" not in allowed
    refused = await gql(client, query, n=286)  # 601.6
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    fragments = (
        "query { probeList(first: 500) { ...F } } fragment F on ProbeNode { depth child { depth } }"
    )
    assert (await gql(client, fragments))["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_automatic_persisted_queries(client: httpx.AsyncClient) -> None:
    import hashlib
    import uuid

    marker = uuid.uuid4().hex  # the store is per process: keep each run's query unique
    query = f'{{ probeEcho(text: "{marker}") }}'
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    unknown = (await client.post("/api/graphql", json={"extensions": extensions})).json()
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown["errors"][0]["message"] == "PersistedQueryNotFound"
    registered = (
        await client.post("/api/graphql", json={"query": query, "extensions": extensions})
    ).json()
    assert registered == {"data": {"probeEcho": marker}}
    by_hash = (await client.post("/api/graphql", json={"extensions": extensions})).json()
    assert by_hash == {"data": {"probeEcho": marker}}
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}
    mismatch = (
        await client.post("/api/graphql", json={"query": query, "extensions": wrong})
    ).json()
    assert mismatch["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
