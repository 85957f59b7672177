"""Request ids and trace context on every request and response."""

from __future__ import annotations

import time

import httpx
import pytest

from rustok.core.module import ModuleSpec
from tests.probe_module import PROBE_MODULE


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [PROBE_MODULE]


@pytest.mark.sql_free
async def test_well_formed_request_id_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live", headers={"X-Request-ID": "client-req-0001"})
    assert response.headers["x-request-id"] == "client-req-0001"


@pytest.mark.sql_free
@pytest.mark.parametrize("bad", ["short", "has space in it", "x" * 200, "évil-unicode-id"])
async def test_malformed_request_id_is_replaced(client: httpx.AsyncClient, bad: str) -> None:
    response = await client.get("/health/live", headers=[(b"X-Request-ID", bad.encode())])
    generated = response.headers["x-request-id"]
    assert generated != bad
    assert len(generated) == 26  # a ULID


async def test_problem_carries_request_and_trace_ids(client: httpx.AsyncClient) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = await client.get(
        "/api/probe/conflict",
        headers={
            "X-Request-ID": "req-for-problem-1",
            "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01",
        },
    )
    body = response.json()
    assert body["request_id"] == "req-for-problem-1"
    assert body["trace_id"] == trace_id  # the caller's trace continues


async def test_without_traceparent_a_new_trace_starts(client: httpx.AsyncClient) -> None:
    first = (await client.get("/api/probe/conflict")).json()["trace_id"]
    second = (await client.get("/api/probe/conflict")).json()["trace_id"]
    assert len(first) == 32 and int(first, 16) != 0
    assert first != second


def test_generated_request_ids_are_ulids_of_now() -> None:
    from ulid import ULID

    from rustok.api.middleware import new_request_id

    before = time.time()
    ids = [new_request_id() for _ in range(200)]
    after = time.time()
    assert len(set(ids)) == len(ids)
    for raw in ids:
        text = raw.decode()
        parsed = ULID.from_str(text)
        assert str(parsed) == text and len(text) == 26
        assert before - 0.001 <= parsed.timestamp <= after + 0.001
