"""Hostile GraphQL: documents are refused before they cost a worker, transport errors are
problem+json, production hides the schema, validated documents are cached (issues 12, 13)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import ValidationContext, parse

from rustok.api.graphql_shape import ShapeWalker, operations
from rustok.bootstrap import builtin_modules
from rustok.core.module import ModuleSpec
from rustok.core.settings import Settings, SettingsError, load_settings
from tests.conftest import make_settings
from tests.probe_module import PROBE_MODULE

PRODUCTION = {"env": "production", "smtp_host": "mail.invalid"}
PROBLEM = "application/problem+json"


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [*builtin_modules(), PROBE_MODULE]


@pytest.fixture
def settings(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    overrides: dict[str, Any] = getattr(request, "param", {})
    return make_settings(db_url, tmp_path, **overrides)


class Counter:
    count = 0


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts graphql-core validations: each builds one ``ValidationContext``."""
    counter = Counter()
    original = ValidationContext.__init__

    def counting(self: ValidationContext, *args: Any, **kwargs: Any) -> None:
        counter.count += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(ValidationContext, "__init__", counting)
    return counter


async def post(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/api/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error(body: dict[str, Any]) -> tuple[str, str]:
    first = body["errors"][0]
    return first["extensions"]["code"], first["message"]


def fan_out(levels: int, on: str = "Query", leaf: str = "health", root: str = "{ ...F0 }") -> str:
    """The 820-byte document of issue 12 for 20 levels: 2^levels spreads once expanded."""
    fragments = " ".join(
        f"fragment F{k} on {on} {{ ...F{k + 1} ...F{k + 1} }}" for k in range(levels)
    )
    return f"query {root} {fragments} fragment F{levels} on {on} {{ {leaf} }}"


# --- fragments, size, shape ------------------------------------------------------------


def test_each_fragment_is_measured_once() -> None:
    document = parse(fan_out(60))
    walker = ShapeWalker(document)
    tally = walker.operation(operations(document)[0])
    assert walker.visits == 62  # the operation and 61 fragments, each once
    assert tally.spreads == 2**61 - 1
    assert tally.cost == 2**60  # one scalar (a tenth) reached through 2^60 paths
    assert tally.depth == 1


@pytest.mark.parametrize(
    "query",
    [fan_out(20), fan_out(20, on="__Type", leaf="name", root="{ __schema { types { ...F0 } } }")],
    ids=["fields", "inside-introspection"],
)
async def test_fragment_fan_out_is_refused_before_validation(
    client: httpx.AsyncClient, validations: Counter, query: str
) -> None:
    body = await post(client, query)
    assert body["data"] is None
    assert error(body) == (
        "QUERY_TOO_COMPLEX", "the query expands to more than 1000 fragment spreads"
    )  # fmt: skip
    assert validations.count == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ " + "health " * 150_000 + "}", "the query is larger than 65536 bytes"),
        ("{ " + "health " * 3_000 + "}", "the query has more than 2000 tokens"),
    ],
    ids=["150000-fields", "3000-fields"],
)
async def test_large_documents_are_refused(
    client: httpx.AsyncClient, validations: Counter, query: str, message: str
) -> None:
    body = await post(client, query)
    assert body["data"] is None
    assert error(body) == ("QUERY_TOO_LARGE", message)
    assert validations.count == 0


@pytest.mark.parametrize(
    "settings", [{"graphql_max_tokens": 100, "graphql_max_document_size": 2048}], indirect=True
)
async def test_size_limits_follow_the_settings(client: httpx.AsyncClient) -> None:
    assert error(await post(client, "{ " + "health " * 120 + "}")) == (
        "QUERY_TOO_LARGE", "the query has more than 100 tokens"
    )  # fmt: skip
    # 700 characters of three bytes each: 2,100 bytes in fewer than 2,048 characters.
    euros = '{ probeEcho(text: "' + "€" * 700 + '") }'
    assert error(await post(client, euros)) == (
        "QUERY_TOO_LARGE", "the query is larger than 2048 bytes"
    )  # fmt: skip
    assert (await post(client, "{ " + "health " * 90 + "}")) == {"data": {"health": "ok"}}


async def test_repeated_fields_beyond_the_validation_budget(client: httpx.AsyncClient) -> None:
    body = await post(client, "{ " + "health " * 1_500 + "}")
    assert error(body) == ("QUERY_TOO_COMPLEX", "the query is too complex to validate")


async def test_page_size_from_a_variable_default_counts(client: httpx.AsyncClient) -> None:
    query = "query($n: Int = 500) { probeList(first: $n) { child { child { depth } } } }"
    assert error(await post(client, query))[0] == "QUERY_TOO_COMPLEX"
    assert "errors" not in await post(client, query, n=3)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "{ probeTree { ...A child { ...A } } } "
            "fragment A on ProbeNode { child { child { child { child { child { ...B } } } } } }"
            " fragment B on ProbeNode { child { child { child { child { child { depth } } } } } }",
            "'anonymous' exceeds maximum operation depth of 12",
        ),
        (
            "{ probeTree { ...A child { ...A } } } fragment A on ProbeNode { "
            + " ".join(f"a{i}: depth" for i in range(16))
            + " }",
            "32 aliases found. Allowed: 30",
        ),
    ],
    ids=["depth", "aliases"],  # depth: 1 + 1 + 5 (A) + 6 (B) = 13 levels
)
async def test_limits_count_fragments_where_they_are_spread(
    client: httpx.AsyncClient, query: str, message: str
) -> None:
    assert error(await post(client, query)) == ("GRAPHQL_VALIDATION_FAILED", message)


# --- variables -------------------------------------------------------------------------


def nested(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


async def test_nested_variables_are_refused(client: httpx.AsyncClient) -> None:
    query = "query($t: String!) { probeEcho(text: $t) }"

    async def get(variables: object) -> Any:
        params = {"query": query, "variables": json.dumps(variables)}
        return (await client.get("/api/graphql", params=params)).json()

    # A query string is not scanned by the body guard: GraphQL's own limit applies.
    deep = await get({"t": nested(65)})
    assert error(deep) == ("NESTING_TOO_DEEP", "variables nest deeper than 64 levels")
    # 64 levels pass the nesting check; a list is still no String.
    assert error(await get({"t": nested(64)}))[0] == "GRAPHQL_VALIDATION_FAILED"
    # In a body, the same depth is refused before parsing (RUSTOK_MAX_JSON_DEPTH).
    for body in (
        {"query": query, "variables": {"t": nested(65)}},
        {"query": query, "variables": {"t": "x"}, "extensions": {"e": nested(100)}},
    ):
        response = await client.post("/api/graphql", json=body)
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "NESTING_TOO_DEEP"


@pytest.mark.parametrize(
    "body",
    [b"[" * 2000 + b"]" * 2000, b'{"query": "{ health }", "variables": {"t": ' + b"[" * 5000 + b"]" * 5000 + b"}}"],
    ids=["body", "variables"],
)  # fmt: skip
async def test_json_too_deep_to_read_is_a_problem(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/api/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "NESTING_TOO_DEEP"


# --- introspection and suggestions ----------------------------------------------------

SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Query") { name } }'
MISSPELT = "{ helth }"
FILTER = "query($f: BlogPostFilter) { blogPosts(filter: $f) { totalCount } }"


@pytest.mark.parametrize("settings", [PRODUCTION], indirect=True)
async def test_production_hides_the_schema(client: httpx.AsyncClient) -> None:
    for query in (SCHEMA, TYPE):
        code, message = error(await post(client, query))
        assert code == "GRAPHQL_VALIDATION_FAILED"
        assert message.startswith("GraphQL introspection has been disabled")
    assert await post(client, "{ __typename }") == {"data": {"__typename": "Query"}}
    assert error(await post(client, MISSPELT))[1] == "Cannot query field 'helth' on type 'Query'."
    _, message = error(await post(client, FILTER, f={"statuss": "draft"}))
    assert "'BlogPostFilter' not to include unknown field 'statuss'" in message
    assert "Did you mean" not in message


@pytest.mark.parametrize("settings", [{}, {**PRODUCTION, "graphql_introspection": True}],
                         indirect=True, ids=["development", "production-enabled"])  # fmt: skip
async def test_introspection_and_suggestions_when_enabled(client: httpx.AsyncClient) -> None:
    assert await post(client, SCHEMA) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert await post(client, TYPE) == {"data": {"__type": {"name": "Query"}}}
    assert error(await post(client, MISSPELT))[1].endswith("Did you mean 'health'?")
    _, message = error(await post(client, FILTER, f={"statuss": "draft"}))
    assert "Did you mean 'status'?" in message


def test_graphql_settings(tmp_path: Path) -> None:
    base = {
        "RUSTOK_SECRET_KEY": "s" * 40,
        "RUSTOK_DATA_DIR": str(tmp_path),
        "RUSTOK_SMTP_HOST": "mail.invalid",
    }
    development = load_settings(base, warn=False)
    assert development.graphql_introspection_enabled
    assert (development.graphql_max_document_size, development.graphql_max_tokens) == (65536, 2000)
    production = load_settings({**base, "RUSTOK_ENV": "production"}, warn=False)
    assert not production.graphql_introspection_enabled
    enabled = {**base, "RUSTOK_ENV": "production", "RUSTOK_GRAPHQL_INTROSPECTION": "true"}
    assert load_settings(enabled, warn=False).graphql_introspection_enabled
    for name, value, message in [
        ("RUSTOK_GRAPHQL_MAX_TOKENS", "10", "10 is out of range; allowed values: 100..1000000"),
        ("RUSTOK_GRAPHQL_MAX_DOCUMENT_SIZE", "big", "invalid value 'big'; expected an integer"),
        ("RUSTOK_GRAPHQL_INTROSPECTION", "maybe", "invalid value 'maybe'; allowed values: true"),
    ]:
        with pytest.raises(SettingsError, match=f"^{name}: {message}"):
            load_settings({**base, name: value}, warn=False)


# --- transport -------------------------------------------------------------------------


@pytest.mark.parametrize("settings", [PRODUCTION], indirect=True)
@pytest.mark.parametrize(
    ("method", "kwargs", "status", "code"),
    [
        ("POST", {"content": b"{bad", "headers": {"content-type": "application/json"}},
         400, "MALFORMED_BODY"),
        ("POST", {"content": b"{ health }", "headers": {"content-type": "text/plain"}},
         415, "UNSUPPORTED_MEDIA_TYPE"),
        ("POST", {"content": b"{}", "headers": {"content-type": "application/json"}},
         400, "BAD_REQUEST"),
        ("POST", {"json": [{"query": "{ health }"}]}, 400, "BAD_REQUEST"),
        ("POST", {"json": {"query": 5}}, 400, "BAD_REQUEST"),
        ("GET", {}, 404, "NOT_FOUND"),
        ("GET", {"headers": {"accept": "text/html"}}, 404, "NOT_FOUND"),
        ("GET", {"params": {"query": "mutation { signOut }"}}, 400, "BAD_REQUEST"),
        ("GET", {"params": {"query": "{ health }", "variables": "{bad"}}, 400, "MALFORMED_BODY"),
    ],
    ids=["malformed", "text-plain", "no-query", "batch", "query-not-string", "no-query-get",
         "graphiql-off", "mutation-over-get", "malformed-variables"],
)  # fmt: skip
async def test_transport_errors_are_problems(
    client: httpx.AsyncClient, method: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    response = await client.request(method, "/api/graphql", **kwargs)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert (problem["status"], problem["code"], problem["instance"]) == (
        status, code, "/api/graphql"
    )  # fmt: skip


async def test_options_lists_post(client: httpx.AsyncClient) -> None:
    response = await client.options("/api/graphql")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, POST, OPTIONS"


# --- the document cache ----------------------------------------------------------------


async def test_a_repeated_query_is_validated_once(
    client: httpx.AsyncClient, validations: Counter
) -> None:
    # The app (and its document cache) outlives one test: a name of its own keeps it cold.
    name = f"Repeat{uuid.uuid4().hex}"
    query = f"query {name}($n: Int!) {{ probeList(first: $n) {{ child {{ child {{ depth }} }} }} }}"
    first = await post(client, query, n=2)
    nodes = [{"child": {"child": {"depth": 2}}}, {"child": {"child": {"depth": 3}}}]
    assert first == {"data": {"probeList": nodes}}
    assert validations.count == 1
    assert await post(client, query, n=2) == first
    # The cost still follows the variables of each request.
    assert error(await post(client, query, n=286))[0] == "QUERY_TOO_COMPLEX"
    assert validations.count == 1
