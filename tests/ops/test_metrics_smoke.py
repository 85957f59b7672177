"""O-1: every family SYSTEM.md lists is in ``/metrics``, and a smoke workload over HTTP moves
the ones it exercises, by the amounts it caused."""

from __future__ import annotations

import asyncio
import time

import httpx

from rustok.api.app import RustokApp
from tests.ops.families import O1_FAMILIES, exported
from tests.ops.smoke import Exposition, run_smoke_workload, scrape


async def _settled(client: httpx.AsyncClient, before: Exposition) -> Exposition:
    """Scrape until the consumers handled events and the replayed row was relayed again."""
    deadline = time.monotonic() + 30
    while True:
        after = await scrape(client)
        published = after.total("rustok_events_published_total", event_type="order.placed")
        dispatched = after.total("rustok_events_dispatched_total")
        lag = after.total("rustok_index_lag_seconds_count", read_model="products")
        if (
            published - before.total("rustok_events_published_total", event_type="order.placed")
            >= 2
            and dispatched > before.total("rustok_events_dispatched_total")
            and lag > before.total("rustok_index_lag_seconds_count", read_model="products")
        ):
            return after
        assert time.monotonic() < deadline, "the events were not handled"
        await asyncio.sleep(0.05)


async def test_smoke_workload_moves_its_families(client: httpx.AsyncClient, app: RustokApp) -> None:
    before = await run_smoke_workload(client, app)
    after = await _settled(client, before)

    def moved(sample: str, **labels: str) -> float:
        return after.total(sample, **labels) - before.total(sample, **labels)

    missing = [name for name in O1_FAMILIES if not exported(after, name)]
    assert missing == []
    assert moved("rustok_orders_placed_total", currency="EUR") == 1
    assert moved("rustok_content_published_total", kind="post") == 1
    assert moved("rustok_carts_abandoned_total") >= 1  # the idle cart (others' may be older)
    assert moved("rustok_login_failures_total", reason="wrong_password") == 5
    assert moved("rustok_login_failures_total", reason="unknown_account") == 1
    assert moved("rustok_rate_limit_rejections_total", limit="login_account") == 1
    assert moved("rustok_events_replayed_total", event_type="order.placed") == 1
    assert moved("rustok_graphql_operations_total", operation_type="query", outcome="ok") == 1
    assert moved("rustok_graphql_operations_total", operation_type="query", outcome="error") == 1
    assert moved("rustok_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert moved("rustok_graphql_operation_duration_seconds_count", operation_type="query") == 2
    assert moved("rustok_http_requests_total", route="/api/auth/login", status="401") == 6
    assert moved("rustok_http_requests_total", route="/api/auth/login", status="429") == 1
    assert moved("rustok_tenant_cache_requests_total") > 0
    assert moved("rustok_db_query_duration_seconds_count", kind="select") > 0
    assert moved("rustok_db_query_duration_seconds_count", kind="insert") > 0
    assert moved("rustok_db_pool_wait_seconds_count", pool="main") > 0
    assert after.total("rustok_db_pool_capacity", pool="main") >= 1
    assert moved("rustok_events_published_total", event_type="order.placed") >= 2
    assert moved("rustok_events_dispatched_total") > 0
    assert moved("rustok_index_lag_seconds_count", read_model="products") > 0
    # No label carries a tenant, user or raw path.
    labels = {name for (_, pairs) in after.values for (name, _) in pairs}
    assert not labels & {"tenant", "tenant_id", "user", "user_id", "path", "email"}
