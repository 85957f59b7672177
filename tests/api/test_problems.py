"""Every error is application/problem+json with a stable code (ER-1..3)."""

from __future__ import annotations

import httpx
import pytest

from rustok.core.module import ModuleSpec
from tests.probe_module import PROBE_MODULE, SECRET

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code", "trace_id"}


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [PROBE_MODULE]


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert PROBLEM_KEYS <= body.keys()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == "urn:rustok:problem:" + code.lower().replace("_", "-")
    assert len(str(body["trace_id"])) == 32
    return dict(body)


async def test_unknown_route(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/api/nowhere"), 404, "NOT_FOUND")
    assert body["instance"] == "/api/nowhere"
    assert body["detail"] == "no route for GET /api/nowhere"


async def test_deadlocks_and_busy_databases_ask_to_retry(client: httpx.AsyncClient) -> None:
    for path in ("/api/probe/deadlock", "/api/probe/locked"):
        response = await client.get(path)
        body = assert_problem(response, 503, "TRY_AGAIN")
        assert response.headers["retry-after"] == "1"
        assert "UPDATE" not in str(body["detail"])


async def test_wrong_method(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.delete("/api/probe/items"), 405, "METHOD_NOT_ALLOWED")
    assert "DELETE" in str(body["detail"])


async def test_malformed_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/probe/items", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert_problem(response, 400, "MALFORMED_BODY")


async def test_field_validation_lists_fields(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/probe/items", json={"name": "x" * 11, "qty": -1})
    body = assert_problem(response, 400, "VALIDATION_ERROR")
    errors = body["errors"]
    assert isinstance(errors, dict)
    # msgspec stops at the first invalid field; the problem still lists every one
    assert set(errors) == {"name", "qty"}
    assert "length <= 10" in errors["name"][0]
    assert errors["qty"] == ["Expected `int` >= 0"]


async def test_missing_and_unknown_fields(client: httpx.AsyncClient) -> None:
    body = assert_problem(
        await client.post("/api/probe/items", json={"qty": 1}), 400, "VALIDATION_ERROR"
    )
    assert body["errors"] == {"name": ["Object missing required field `name`"]}
    response = await client.post("/api/probe/items", json={"name": "a", "qty": 1, "admin": True})
    body = assert_problem(response, 400, "VALIDATION_ERROR")
    assert body["errors"] == {"admin": ["Object contains unknown field `admin`"]}


async def test_oversized_body(client: httpx.AsyncClient, settings: object) -> None:
    payload = b'{"name": "' + b"x" * (11 * 1024 * 1024) + b'", "qty": 1}'
    response = await client.post(
        "/api/probe/items", content=payload, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")


async def test_unhandled_exception_hides_internals(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/api/probe/boom"), 500, "INTERNAL_ERROR")
    text = str(body)
    assert SECRET not in text
    assert "Traceback" not in text and "RuntimeError" not in text


async def test_domain_error_keeps_its_code(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/api/probe/conflict"), 409, "INVALID_TRANSITION")
    assert body["detail"] == "cannot ship a pending order"


async def test_path_parameter_type_error_is_not_found(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/probe/items/not-an-id"), 404, "NOT_FOUND")
    ok = await client.get("/api/probe/items/00000000-0000-0000-0000-000000000002")
    assert ok.status_code == 200
    assert ok.json() == {"id": "00000000-0000-0000-0000-000000000002"}


async def test_nul_characters_are_refused_everywhere(client: httpx.AsyncClient) -> None:
    """PostgreSQL cannot store U+0000 in text: refused before parsing, on both databases."""
    body = assert_problem(
        await client.post("/api/probe/items", json={"name": "a\x00b", "qty": 1}),
        400, "VALIDATION_ERROR",
    )  # fmt: skip
    assert body["errors"] == {"name": ["must not contain NUL (U+0000) characters"]}
    nested = await client.post(
        "/api/probe/items", json={"name": "ok", "qty": 1, "x": [{"y": "\x00"}]}
    )
    assert assert_problem(nested, 400, "VALIDATION_ERROR")["errors"] == {"x[0].y": [
        "must not contain NUL (U+0000) characters"]}  # fmt: skip
    query = await client.get("/api/probe/whoami?q=a%00b")
    assert assert_problem(query, 400, "VALIDATION_ERROR")["errors"] == {"q": [
        "must not contain NUL (U+0000) characters"]}  # fmt: skip
    escaped = await client.post("/api/probe/items", json={"name": "a\\u0000", "qty": 1})
    assert escaped.status_code == 201  # a backslash and "u0000" are just text
