"""O-3 across the broker: with the NATS JetStream transport (private nats-server), the relay's
``nats.publish`` span is in the request's trace, the message header carries it, the fetch
side records ``nats.receive`` as its child, and every ``consumer.handle`` stays in the trace."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from rustok.core.context import RequestContext, use_context
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.modules.webhooks.schemas import WebhookCreate
from rustok.modules.webhooks.service import WebhookService
from tests.conftest import make_settings
from tests.outbox.support import TENANT
from tests.services import Service

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(db_url: str, tmp_path: Path, nats_service: Service) -> Settings:
    return make_settings(
        db_url, tmp_path, event_transport="nats", nats_url=nats_service.url,
        nats_stream=f"T{uuid.uuid4().hex[:10].upper()}", outbox_poll_interval=0.05,
        webhooks_allow_private=True,
    )  # fmt: skip


async def test_the_trace_crosses_the_broker(
    client: httpx.AsyncClient, platform: Platform, exporter: InMemorySpanExporter
) -> None:
    # A consumer that certainly handles cart.created: webhooks.dispatch skips the events of
    # a tenant without an endpoint, with no consumer.handle span.
    with use_context(RequestContext(tenant=TENANT)):
        await WebhookService(platform).create(
            WebhookCreate(url="http://127.0.0.1:9/hook", event_types=["cart.*"])
        )
    created = await client.post("/api/store/carts", json={"currency_code": "USD"})
    assert created.status_code == 201, created.text
    deadline = time.monotonic() + 60
    while True:
        spans = exporter.get_finished_spans()
        (server,) = [s for s in spans if s.name == "POST /api/store/carts"]
        trace = [s for s in spans if s.context.trace_id == server.context.trace_id]
        published = [s for s in trace if s.name == "nats.publish cart.created"]
        received = [s for s in trace if s.name.startswith("nats.receive ")]
        handled = [s for s in trace if s.name == "consumer.handle webhooks.dispatch"]
        if published and received and handled:
            break
        assert time.monotonic() < deadline, sorted(s.name for s in spans)
        await asyncio.sleep(0.05)
    (publish,) = published
    assert publish.kind is SpanKind.PRODUCER
    relay = {s.context.span_id for s in trace if s.name == "relay.publish"}
    assert publish.parent is not None
    assert publish.parent.span_id in relay | {server.context.span_id}
    # Only the message header knew the publish span's id: the broker carried the context.
    for span in received:
        assert span.kind is SpanKind.CONSUMER
        assert span.parent is not None and span.parent.span_id == publish.context.span_id
    for span in handled:
        assert span.parent is not None and span.parent.span_id == server.context.span_id
