"""Trace context (W3C ``traceparent``) for requests, logs, problems and events.

Every request runs under an OpenTelemetry context: the caller's ``traceparent`` when it sends
a valid one, else a fresh trace. With no tracer configured the span is non-recording, so this
costs two random numbers per request, yet the trace id in logs, problem bodies and event
envelopes is real and continues across services.

The ids come from ``random`` (as the OpenTelemetry SDK's own id generator), not from the OS's
random source: they are correlation ids, not secrets, and a read of ``/dev/urandom`` per id
was a system call on every request. ``random`` reseeds itself in each forked worker.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_PROPAGATOR = TraceContextTextMapPropagator()


def _fresh_span_context() -> trace.SpanContext:
    return trace.SpanContext(
        trace_id=random.getrandbits(128) or 1,
        span_id=random.getrandbits(64) or 1,
        is_remote=False,
        trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED),
    )


def start_trace(headers: Mapping[str, str]) -> otel_context.Context:
    """A context continuing the caller's trace, or starting a new one."""
    ctx = _PROPAGATOR.extract(headers)
    span_context = trace.get_current_span(ctx).get_span_context()
    if span_context.is_valid:
        # Our own span id under the caller's trace: the caller's id is our parent.
        child = trace.SpanContext(
            trace_id=span_context.trace_id,
            span_id=random.getrandbits(64) or 1,
            is_remote=False,
            trace_flags=span_context.trace_flags,
        )
        return trace.set_span_in_context(trace.NonRecordingSpan(child), ctx)
    return trace.set_span_in_context(trace.NonRecordingSpan(_fresh_span_context()))


_HEX = frozenset("0123456789abcdef")


def continue_trace(traceparent: str | None) -> otel_context.Context:
    """``start_trace({"traceparent": traceparent})``: an event's ``traceparent``, which
    RusToK wrote itself (version 00, lower-case hex), read by slicing; anything else goes
    through the propagator. Its regular expression and context lookups were a tenth of a
    batch consumer's CPU per event."""
    if (
        traceparent is None
        or len(traceparent) != 55
        or not traceparent.startswith("00-")
        or traceparent[35] != "-"
        or traceparent[52] != "-"
        or not _HEX.issuperset(traceparent[3:35])
        or not _HEX.issuperset(traceparent[36:52])
        or not _HEX.issuperset(traceparent[53:])
    ):
        return start_trace({"traceparent": traceparent} if traceparent else {})
    trace_id, parent_id = int(traceparent[3:35], 16), int(traceparent[36:52], 16)
    if not trace_id or not parent_id:
        return start_trace({"traceparent": traceparent})
    child = trace.SpanContext(
        trace_id=trace_id,
        span_id=random.getrandbits(64) or 1,
        is_remote=False,
        trace_flags=trace.TraceFlags(int(traceparent[53:], 16)),
    )
    return trace.set_span_in_context(trace.NonRecordingSpan(child), otel_context.Context())


def trace_id_of(ctx: otel_context.Context | None = None) -> str:
    span_context = trace.get_current_span(ctx).get_span_context()
    return format(span_context.trace_id, "032x") if span_context.is_valid else ""


def ids_of(ctx: otel_context.Context | None = None) -> tuple[str, str | None]:
    """The trace id and the W3C ``traceparent`` of the span in ``ctx`` (the current one by
    default), ``""`` and ``None`` when there is none. Formatted here rather than through the
    propagator's carrier: a request needs both, and the round trip was paid per request."""
    span_context = trace.get_current_span(ctx).get_span_context()
    if not span_context.is_valid:
        return "", None
    trace_id = format(span_context.trace_id, "032x")
    flags = int(span_context.trace_flags)
    return trace_id, f"00-{trace_id}-{span_context.span_id:016x}-{flags:02x}"


def current_traceparent() -> str | None:
    """The ``traceparent`` of the active span, if any."""
    return ids_of()[1]


def new_traceparent() -> str:
    """A traceparent for work that starts outside any request (CLI, schedulers)."""
    ctx = trace.set_span_in_context(trace.NonRecordingSpan(_fresh_span_context()))
    traceparent = ids_of(ctx)[1]
    assert traceparent is not None  # a fresh span context is valid
    return traceparent
