"""An event's handler continues the trace of the request that raised it (tracing off).

``continue_trace`` reads a ``traceparent`` RusToK wrote by slicing it; it must give what the
W3C propagator gives (``start_trace``), the same trace, flags and fresh span id, and hand
anything it does not recognise to the propagator."""

from __future__ import annotations

import random

import pytest
from opentelemetry import trace

from rustok.core.telemetry import continue_trace, ids_of, new_traceparent, start_trace

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"


def _span(ctx: object) -> trace.SpanContext:
    return trace.get_current_span(ctx).get_span_context()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "traceparent",
    [
        f"00-{TRACE}-{PARENT}-01",
        f"00-{TRACE}-{PARENT}-00",  # not sampled: the flags carry over
        f"00-{'0' * 32}-{PARENT}-01",  # invalid trace id: a new trace
        f"00-{TRACE}-{'0' * 16}-01",  # invalid parent: a new trace
        f"00-{TRACE.upper()}-{PARENT}-01",  # upper case: not W3C, a new trace
        f"01-{TRACE}-{PARENT}-01",  # a later version: the propagator decides
        f"00-{TRACE}-{PARENT}-01-extra",
        "garbage",
        "",
        None,
    ],
)
def test_continue_trace_gives_what_the_propagator_gives(traceparent: str | None) -> None:
    random.seed(7)
    fast = _span(continue_trace(traceparent))
    random.seed(7)
    slow = _span(start_trace({"traceparent": traceparent} if traceparent else {}))
    assert (fast.trace_id, fast.span_id, fast.trace_flags, fast.is_remote, fast.is_valid) == (
        slow.trace_id, slow.span_id, slow.trace_flags, slow.is_remote, slow.is_valid,
    )  # fmt: skip


def test_an_events_trace_continues_under_a_new_span() -> None:
    traceparent = new_traceparent()
    trace_id, child = ids_of(continue_trace(traceparent))
    assert trace_id == traceparent[3:35]
    assert child is not None and child != traceparent
    assert child.startswith(f"00-{trace_id}-") and child.endswith(traceparent[-3:])
    assert ids_of(continue_trace(f"00-{TRACE}-{PARENT}-00"))[1].endswith("-00")  # type: ignore[union-attr]
