"""O-3: one request that raises an event is one trace — the server span, ``outbox.write``
under it, ``relay.publish`` in it (or linked to it from a batch), and every
``consumer.handle <consumer>`` as a child of the server span through the envelope's
``traceparent``."""

from __future__ import annotations

import asyncio
import time

import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from rustok.core.platform import Platform
from tests.modules.helpers import login_as


def _named(spans: tuple[ReadableSpan, ...], prefix: str) -> list[ReadableSpan]:
    return [s for s in spans if s.name.startswith(prefix)]


async def test_publishing_a_post_is_one_trace(
    client: httpx.AsyncClient, platform: Platform, exporter: InMemorySpanExporter
) -> None:
    manager = await login_as(client, platform, "manager")
    exporter.clear()
    created = await client.post(
        "/api/blog/posts",
        json={"translations": [{"locale": "en", "title": "Traced"}], "publish": True},
        headers=manager,
    )
    assert created.status_code == 201, created.text
    deadline = time.monotonic() + 30
    while True:
        spans = exporter.get_finished_spans()
        (server,) = _named(spans, "POST /api/blog/posts")
        trace_id = server.context.trace_id
        handled = [s for s in _named(spans, "consumer.handle ") if s.context.trace_id == trace_id]
        published = [
            s for s in _named(spans, "relay.publish")
            if s.context.trace_id == trace_id
            or any(link.context.trace_id == trace_id for link in s.links)
        ]  # fmt: skip
        if handled and published:
            break
        assert time.monotonic() < deadline, [s.name for s in spans]
        await asyncio.sleep(0.05)
    assert server.kind is SpanKind.SERVER
    (write,) = [s for s in _named(spans, "outbox.write") if s.context.trace_id == trace_id]
    assert write.parent is not None and write.parent.span_id == server.context.span_id
    assert int(str((write.attributes or {})["events"])) >= 2  # node.created, node.published, ...
    for span in handled:
        assert span.kind is SpanKind.CONSUMER
        assert span.parent is not None and span.parent.span_id == server.context.span_id
        assert str((span.attributes or {})["event_type"]).startswith(("node.", "tag."))
    assert all(s.kind is SpanKind.PRODUCER for s in published)
