"""OpenTelemetry tracing (O-3): off unless ``RUSTOK_OTEL_ENABLED``, and then exported over
OTLP/HTTP with parent-based ratio sampling.

Off, nothing here runs per request: :func:`begin_request` falls back to
``telemetry.start_trace`` (a non-recording context, as before). On, the request middleware
opens one server span per request, named by the route template once routing has found it
(``GET /api/store/carts/{cart_id}``), with the method, route and status as attributes.
The tracer is this module's own, not the process-wide global one, so tests can install an
in-memory exporter and remove it again.

Spans of work that only happens inside something else (SQL statements, index upserts,
GraphQL operations) are :func:`child_span`: recorded only under a recording span, so
background loops (claim polls, sweeps) make no one-span traces and an unsampled request
costs nothing more. Work that continues an event's trace elsewhere (a NATS publish, a
webhook delivery) starts from the event's ``traceparent`` with :func:`span_in_trace`.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from rustok import __version__
from rustok.core.telemetry import continue_trace, start_trace

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

    from rustok.core.settings import Settings

_PROPAGATOR = TraceContextTextMapPropagator()
_NO_SPAN: AbstractContextManager[object] = nullcontext()
_provider: TracerProvider | None = None
_tracer: trace.Tracer | None = None


def tracing_enabled() -> bool:
    return _tracer is not None


def install_tracing(
    *,
    service_name: str,
    sample_ratio: float,
    exporter: SpanExporter,
    environment: str = "development",
    batch: bool = True,
) -> None:
    """Record spans from now on and hand them to ``exporter``."""
    # The SDK is imported only by a process that records spans (off, it costs start-up).
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    global _provider, _tracer
    shutdown_tracing()
    resource = Resource.create({
        "service.name": service_name,
        "service.version": __version__,
        "deployment.environment": environment,
        "host.name": socket.gethostname(),
        "process.pid": os.getpid(),
    })  # fmt: skip
    provider = TracerProvider(
        resource=resource, sampler=ParentBased(TraceIdRatioBased(sample_ratio))
    )
    processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    _provider, _tracer = provider, provider.get_tracer("rustok", __version__)


def configure_tracing(settings: Settings) -> None:
    """Install the OTLP/HTTP exporter when ``RUSTOK_OTEL_ENABLED``; otherwise nothing."""
    if not settings.otel_enabled:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    install_tracing(
        service_name=settings.otel_service_name,
        sample_ratio=settings.otel_sample_ratio,
        exporter=OTLPSpanExporter(endpoint=settings.otel_endpoint),
        environment=settings.env,
    )


def shutdown_tracing() -> None:
    """Flush and stop the exporter; spans are no longer recorded."""
    global _provider, _tracer
    provider, _provider, _tracer = _provider, None, None
    if provider is not None:
        provider.shutdown()


def begin_request(traceparent: str, method: str) -> tuple[otel_context.Context, Span | None]:
    """The request's trace context, and its server span when tracing is on."""
    tracer = _tracer
    carrier = {"traceparent": traceparent} if traceparent else {}
    if tracer is None:
        return start_trace(carrier), None
    parent = _PROPAGATOR.extract(carrier)
    span = tracer.start_span(method, context=parent, kind=SpanKind.SERVER)
    return trace.set_span_in_context(span, parent), span


def end_request(span: Span, method: str, route: str, status: int) -> None:
    span.update_name(f"{method} {route}")
    span.set_attribute("http.request.method", method)
    span.set_attribute("http.route", route)
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))
    span.end()


def event_context(traceparent: str | None) -> otel_context.Context:
    """The context to handle an event in: the trace of the request that raised it."""
    if _tracer is None:
        return continue_trace(traceparent)
    return _PROPAGATOR.extract({"traceparent": traceparent} if traceparent else {})


def span(
    name: str, kind: SpanKind = SpanKind.INTERNAL, **attributes: str | int
) -> AbstractContextManager[object]:
    """A child span of the current one while tracing is on; a shared no-op otherwise."""
    tracer = _tracer
    if tracer is None:
        return _NO_SPAN
    return tracer.start_as_current_span(name, kind=kind, attributes=attributes)


def child_span(
    name: str, kind: SpanKind = SpanKind.INTERNAL, **attributes: str | int
) -> AbstractContextManager[object]:
    """A child of the current span when that one is recorded; a shared no-op otherwise."""
    tracer = _tracer
    if tracer is None or not trace.get_current_span().is_recording():
        return _NO_SPAN
    return tracer.start_as_current_span(name, kind=kind, attributes=attributes)


def span_in_trace(
    name: str, traceparent: str | None, kind: SpanKind, **attributes: str | int
) -> AbstractContextManager[object]:
    """A span continuing the trace of ``traceparent`` (an event's), linked to the current
    span when there is one (the batch that carries it); a shared no-op when tracing is off."""
    tracer = _tracer
    if tracer is None:
        return _NO_SPAN
    current = trace.get_current_span()
    current_context = current.get_span_context()
    parent = _PROPAGATOR.extract({"traceparent": traceparent} if traceparent else {})
    links: list[Link] = []
    if current_context.is_valid:
        if current_context.trace_id == trace.get_current_span(parent).get_span_context().trace_id:
            parent = trace.set_span_in_context(current)  # already in its trace: a child
        else:
            links = [Link(current_context)]
    return tracer.start_as_current_span(
        name, context=parent, kind=kind, links=links, attributes=attributes
    )


def received_span(name: str, traceparent: str | None) -> None:
    """Record that a message carrying ``traceparent`` arrived (a consumer span, ended at
    once: handling it is ``consumer.handle``, a child of the event's own context)."""
    tracer = _tracer
    if tracer is None or not traceparent:
        return
    parent = _PROPAGATOR.extract({"traceparent": traceparent})
    tracer.start_span(name, context=parent, kind=SpanKind.CONSUMER).end()


def current_span() -> Span | None:
    """The current span when it is recorded (to add attributes), else None."""
    if _tracer is None:
        return None
    span = trace.get_current_span()
    return span if span.is_recording() else None


def batch_span(
    name: str,
    traceparents: Sequence[str | None],
    kind: SpanKind = SpanKind.PRODUCER,
    **attributes: str | int,
) -> AbstractContextManager[object]:
    """A producer span for a batch of events: the child of their trace when they share one,
    else a new trace linked to each of theirs."""
    tracer = _tracer
    if tracer is None:
        return _NO_SPAN
    contexts = (
        trace.get_current_span(_PROPAGATOR.extract({"traceparent": t})).get_span_context()
        for t in set(traceparents)
        if t
    )
    valid = [c for c in contexts if c.is_valid]
    if len(valid) == 1:
        parent, links = trace.set_span_in_context(trace.NonRecordingSpan(valid[0])), []
    else:
        parent, links = otel_context.Context(), [Link(c) for c in valid]
    return tracer.start_as_current_span(
        name, context=parent, kind=kind, links=links, attributes=attributes
    )


SQL_STATEMENT_LIMIT = 2_000


def start_sql_span(statement: str, system: str) -> Span | None:
    """A client span for one SQL statement under the current recorded span. The statement
    is the parameterised text (values travel separately), cut at 2,000 characters."""
    tracer = _tracer
    if tracer is None or not trace.get_current_span().is_recording():
        return None
    words = statement[:32].split(None, 1)
    return tracer.start_span(
        words[0].upper() if words else "SQL",
        kind=SpanKind.CLIENT,
        attributes={
            "db.system.name": system, "db.query.text": statement[:SQL_STATEMENT_LIMIT],
        },
    )  # fmt: skip


def sql_span(statement: str, system: str) -> AbstractContextManager[object]:
    """:func:`start_sql_span` as a context manager (the raw read pool's statements)."""
    span = start_sql_span(statement, system)
    return _NO_SPAN if span is None else trace.use_span(span, end_on_exit=True)


def end_span(span: Span, error: BaseException | None = None) -> None:
    if error is not None:
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
    span.end()
