"""/metrics in Prometheus text format, labelled by route template (O-1)."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from rustok.core.module import ModuleSpec
from tests.probe_module import PROBE_MODULE


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [PROBE_MODULE]


async def _samples(
    client: httpx.AsyncClient,
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _requests(samples: dict, method: str, route: str, status: str) -> float:  # type: ignore[type-arg]
    key = ("rustok_http_requests_total", (("method", method), ("route", route), ("status", status)))
    return float(samples.get(key, 0.0))


async def test_request_counted_under_route_template(client: httpx.AsyncClient) -> None:
    template = "/api/probe/items/{item_id}"
    before = await _samples(client)
    for i in range(3):
        response = await client.get(f"/api/probe/items/00000000-0000-0000-0000-00000000000{i}")
        assert response.status_code == 200
    after = await _samples(client)
    assert _requests(after, "GET", template, "200") - _requests(before, "GET", template, "200") == 3
    # No raw path ever becomes a label.
    assert not any("00000000-0000" in str(labels) for (_, labels) in after)


async def test_unmatched_and_error_statuses(client: httpx.AsyncClient) -> None:
    before = await _samples(client)
    await client.get("/no/such/route")
    await client.get("/api/probe/boom")
    after = await _samples(client)
    assert (
        _requests(after, "GET", "<unmatched>", "404")
        - _requests(before, "GET", "<unmatched>", "404")
        == 1
    )
    boom = "/api/probe/boom"
    assert _requests(after, "GET", boom, "500") - _requests(before, "GET", boom, "500") == 1


@pytest.mark.sql_free
async def test_duration_histogram_and_process_metrics(client: httpx.AsyncClient) -> None:
    await client.get("/health/live")
    samples = await _samples(client)
    count_key = (
        "rustok_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/health/live")),
    )
    assert samples[count_key] >= 1
    assert ("rustok_http_requests_in_flight", ()) in samples
    assert any(name == "process_resident_memory_bytes" for name, _ in samples)


async def test_methods_a_client_makes_up_share_one_series(client: httpx.AsyncClient) -> None:
    """A client may send any method token; each one must not become a metric series of its
    own (an attacker's endless series), nor be remembered per method by the middleware."""
    before = await _samples(client)
    made_up = [f"BREW{n}" for n in range(5)]
    for method in made_up:
        response = await client.request(method, "/api/probe/items/x")
        assert response.status_code in (404, 405)
    response = await client.request("PATCH", "/no/such/route")
    assert response.status_code == 404
    after = await _samples(client)
    assert not any(method in str(labels) for (_, labels) in after for method in made_up)
    counted = sum(
        value - before.get(key, 0.0)
        for key, value in after.items()
        if key[0] == "rustok_http_requests_total" and ("method", "_OTHER") in key[1]
    )
    assert counted == len(made_up)
    # A known method keeps its own label.
    assert (
        _requests(after, "PATCH", "<unmatched>", "404")
        - _requests(before, "PATCH", "<unmatched>", "404")
        == 1
    )
