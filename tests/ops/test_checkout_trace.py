"""O-3: one checkout is one trace — the server span, its SQL statements (no parameter values),
``outbox.write`` under it, ``relay.publish``, ``consumer.handle index.products`` as a child of
the server span through the envelope's ``traceparent``, the index upsert under it, and the
webhook POST (``webhook.deliver``) in the same trace. A GraphQL operation gets its own span
(name, type, complexity) and storefront reads on the raw read pool get SQL spans."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from rustok.api.app import RustokApp
from rustok.core import ssrf
from rustok.core.module import ModuleSpec
from rustok.core.settings import Settings
from rustok.modules.commerce.module import MODULE as COMMERCE
from rustok.modules.index.module import MODULE as INDEX
from rustok.modules.webhooks.module import MODULE as WEBHOOKS
from tests.conftest import make_settings, outbox_settled
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart, signed_in
from tests.modules.webhooks.helpers import create_webhook
from tests.modules.webhooks.receiver import receiving

Spans = tuple[ReadableSpan, ...]


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [COMMERCE, INDEX, WEBHOOKS]


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        db_url, tmp_path, rate_limit="0", webhooks_allow_private=True,
        webhooks_timeout_seconds=5.0, outbox_poll_interval=0.2, storefront_cache_size=0,
    )  # fmt: skip


async def _addresses_only(host: str, port: int) -> list[str]:
    if ssrf.parse_address(host) is not None:
        return [host.strip("[]")]
    raise OSError(f"{host}: name resolution is off in this test")


@pytest.fixture(autouse=True)
def no_dns() -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setattr(ssrf, "system_resolver", _addresses_only)
    yield
    patch.undo()


async def _until(memory: InMemorySpanExporter, found: Callable[[Spans], bool]) -> Spans:
    """Finished spans once ``found`` holds; fails after 60 s without it."""
    deadline = time.monotonic() + 60
    while not found(spans := memory.get_finished_spans()):
        assert time.monotonic() < deadline, sorted({s.name for s in spans})
        await asyncio.sleep(0.05)
    return spans


def _in_trace(spans: Spans, trace_id: int, name: str) -> list[ReadableSpan]:
    return [s for s in spans if s.context.trace_id == trace_id and s.name.startswith(name)]


def _descends(span: ReadableSpan, ancestor: ReadableSpan, spans: Spans) -> bool:
    by_id = {s.context.span_id: s for s in spans}
    parent = span.parent
    while parent is not None:
        if parent.span_id == ancestor.context.span_id:
            return True
        above = by_id.get(parent.span_id)
        parent = above.parent if above is not None else None
    return False


async def test_a_checkout_is_one_trace(
    client: httpx.AsyncClient, app: RustokApp, exporter: InMemorySpanExporter
) -> None:
    admin = await signed_in(client, app, "admin")
    product = await create_product(client, admin, variants=1, stock=5, price=1200)
    async with receiving() as receiver:
        await create_webhook(client, admin, receiver.url, event_types=["order.placed"])
        cart = await new_cart(client, currency_code="USD")
        await add_item(client, cart, product["variants"][0]["id"], 1)
        exporter.clear()
        placed = await checkout(client, cart)
        assert placed.status_code == 201, placed.text

        def complete(spans: Spans) -> bool:
            servers = [s for s in spans if s.name.endswith("/checkout")]
            if not servers:
                return False
            tid = servers[0].context.trace_id
            return all(
                _in_trace(spans, tid, name)
                for name in ("relay.publish", "consumer.handle index.products",
                             "index.upsert", "webhook.deliver")
            )  # fmt: skip

        spans = await _until(exporter, complete)
    (server,) = [s for s in spans if s.name == "POST /api/store/carts/{cart_id}/checkout"]
    assert server.kind is SpanKind.SERVER and server.parent is None
    tid = server.context.trace_id
    assert placed.json()["id"]

    sql = [s for s in _in_trace(spans, tid, "") if s.kind is SpanKind.CLIENT
           and "db.query.text" in (s.attributes or {})]  # fmt: skip
    assert {s.name for s in sql} >= {"SELECT", "INSERT", "UPDATE"}
    server_sql = [s for s in sql if _descends(s, server, spans)]
    assert any("INSERT INTO sys_events" in str((s.attributes or {})["db.query.text"])
               for s in server_sql)  # fmt: skip
    for statement in sql:  # the statement, never the values bound to it
        text = str((statement.attributes or {})["db.query.text"])
        assert "ada@example.com" not in text and "Analytical Way" not in text, text
        assert (statement.attributes or {})["db.system.name"] in ("sqlite", "postgresql")

    writes = _in_trace(spans, tid, "outbox.write")  # the checkout's, and a consumer's mail
    (write,) = [w for w in writes if w.parent and w.parent.span_id == server.context.span_id]
    assert int(str((write.attributes or {})["events"])) >= 5  # order.placed, cart.completed...
    assert any(s.name == "INSERT" and _descends(s, write, spans) for s in sql)

    published = _in_trace(spans, tid, "relay.publish")
    assert all(s.kind is SpanKind.PRODUCER for s in published)

    handled = _in_trace(spans, tid, "consumer.handle index.products")
    assert handled and all(s.kind is SpanKind.CONSUMER for s in handled)
    for span in handled:
        assert span.parent is not None and span.parent.span_id == server.context.span_id
    upserts = _in_trace(spans, tid, "index.upsert")
    assert any(_descends(u, h, spans) for u in upserts for h in handled)
    assert any(s.name == "UPDATE" and _descends(s, upserts[0], spans) for s in sql)  # stock

    (delivered,) = _in_trace(spans, tid, "webhook.deliver")
    attributes = dict(delivered.attributes or {})
    assert delivered.kind is SpanKind.CLIENT
    assert attributes["server.address"] == "127.0.0.1"
    assert attributes["http.response.status_code"] == 200
    assert attributes["webhook.event_type"] == "order.placed"
    assert "/hook" not in str(attributes)  # the URL's path (often a secret) is not recorded
    dispatched = [s for s in _in_trace(spans, tid, "consumer.handle ")
                  if (s.attributes or {}).get("event_type") == "order.placed"]  # fmt: skip
    assert dispatched and delivered.parent is not None
    assert delivered.parent.span_id == server.context.span_id


async def test_graphql_operation_and_raw_read_spans(
    client: httpx.AsyncClient, app: RustokApp, exporter: InMemorySpanExporter
) -> None:
    admin = await signed_in(client, app, "admin")
    await create_product(client, admin, variants=1, title="Traced tee")
    exporter.clear()
    query = "query Tenant { health apiVersion }"
    answered = await client.post("/api/graphql", json={"query": query})
    assert answered.status_code == 200, answered.text
    broken = await client.post("/api/graphql", json={"query": "query Broken { noSuchField }"})
    assert broken.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    listed = await client.get("/api/store/products?limit=10")
    assert listed.status_code == 200, listed.text

    spans = exporter.get_finished_spans()
    ok, failed = [s for s in spans if s.name.startswith(("query", "unknown"))]
    assert ok.name == "query Tenant"
    assert dict(ok.attributes or {}) == {
        "graphql.operation.type": "query", "graphql.operation.name": "Tenant",
        "graphql.operation.complexity": 1,  # two scalar fields, rounded up
    }  # fmt: skip
    (server,) = [s for s in spans if s.name == "POST /api/graphql" and s.context.trace_id
                 == ok.context.trace_id]  # fmt: skip
    assert ok.parent is not None and ok.parent.span_id == server.context.span_id
    assert failed.status.status_code is StatusCode.ERROR
    assert (failed.attributes or {})["graphql.errors"] == 1

    (store,) = [s for s in spans if s.name == "GET /api/store/products"]
    reads = [s for s in spans if s.parent is not None
             and s.parent.span_id == store.context.span_id]  # fmt: skip
    assert reads and all(s.name == "SELECT" and s.kind is SpanKind.CLIENT for s in reads)
    assert any("index_products" in str((s.attributes or {})["db.query.text"]) for s in reads)


async def test_background_statements_make_no_traces(
    client: httpx.AsyncClient, app: RustokApp, exporter: InMemorySpanExporter
) -> None:
    """The relay's claim polls and other loops run outside any recorded span: no SQL span."""
    await outbox_settled(app.platform, limit=60)  # events of the set-up (tenant, seeds)
    await asyncio.sleep(0.5)
    exporter.clear()
    await asyncio.sleep(1.0)  # several poll intervals (0.2 s)
    assert [s.name for s in exporter.get_finished_spans()] == []
