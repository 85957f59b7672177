"""O-3: a batch of events (``relay.publish``, ``consumer.batch <consumer>``) is the child of
its events' trace when they share one, and otherwise a trace of its own linked to each."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from rustok.core import tracing

FIRST = ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7")
SECOND = ("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")


def _traceparent(trace_id: str, span_id: str) -> str:
    return f"00-{trace_id}-{span_id}-01"


@pytest.mark.sql_free
def test_a_batch_of_one_trace_is_its_child(exporter: InMemorySpanExporter) -> None:
    one = _traceparent(*FIRST)
    with tracing.batch_span("consumer.batch index.products", [one, one, None], SpanKind.CONSUMER):
        pass
    (span,) = exporter.get_finished_spans()
    assert format(span.context.trace_id, "032x") == FIRST[0]
    assert span.parent is not None and format(span.parent.span_id, "016x") == FIRST[1]
    assert list(span.links) == []


@pytest.mark.sql_free
def test_a_batch_of_several_traces_links_each(exporter: InMemorySpanExporter) -> None:
    parents = [_traceparent(*FIRST), _traceparent(*SECOND), _traceparent(*FIRST), None]
    with tracing.batch_span("consumer.batch index.products", parents, SpanKind.CONSUMER,
                            events=4):  # fmt: skip
        pass
    (span,) = exporter.get_finished_spans()
    assert span.parent is None and span.kind is SpanKind.CONSUMER
    assert format(span.context.trace_id, "032x") not in (FIRST[0], SECOND[0])
    linked = {
        (format(link.context.trace_id, "032x"), format(link.context.span_id, "016x"))
        for link in span.links
    }
    assert linked == {FIRST, SECOND}
    assert dict(span.attributes or {}) == {"events": 4}


@pytest.mark.sql_free
def test_off_a_batch_span_is_the_shared_no_op() -> None:
    assert not tracing.tracing_enabled()
    with tracing.batch_span("relay.publish", [_traceparent(*FIRST)]) as span:
        assert span is None
