"""GraphQL metrics (O-1): operations by type and outcome, their duration, errors by code.

Labels are bounded: operation types are GraphQL's three (``unknown`` when the document did
not parse), error codes come from the platform's error tree. Operation names are chosen by
clients, so they are no label: the operation's span carries them (``graphql.operation``,
renamed ``<type> <name>`` once known, with its complexity when it was measured).
"""

from __future__ import annotations

import contextvars
from typing import Final

from graphql import GraphQLError
from opentelemetry.trace import Status, StatusCode
from prometheus_client import Counter, Histogram
from strawberry.types import ExecutionContext

from rustok.core.tracing import current_span

OPERATION_TYPES: Final = ("query", "mutation", "subscription", "unknown")

OPERATIONS = Counter(
    "rustok_graphql_operations_total",
    "GraphQL operations by type and outcome (ok: no error; error: at least one).",
    ["operation_type", "outcome"],
)
DURATION = Histogram(
    "rustok_graphql_operation_duration_seconds",
    "GraphQL operation duration (parse, validation and execution), by operation type.",
    ["operation_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ERRORS = Counter(
    "rustok_graphql_errors_total",
    "Errors in GraphQL responses, by extensions.code.",
    ["code"],
)
# Every series, made once (``labels()`` looks one up under a lock on each call).
OPERATIONS_OF = {
    (kind, outcome): OPERATIONS.labels(kind, outcome)
    for kind in OPERATION_TYPES
    for outcome in ("ok", "error")
}
DURATION_OF = {kind: DURATION.labels(kind) for kind in OPERATION_TYPES}
for _code in ("GRAPHQL_VALIDATION_FAILED", "INTERNAL_ERROR"):
    ERRORS.labels(_code)

# The execution context of the operation running in this task (set when strawberry makes it).
current_execution: contextvars.ContextVar[ExecutionContext | None] = contextvars.ContextVar(
    "rustok_graphql_execution", default=None
)


def operation_type(context: ExecutionContext | None) -> str:
    if context is None or context.graphql_document is None:
        return "unknown"
    try:
        return context.operation_type.value
    except Exception:  # noqa: BLE001 - no such operation, or several without a name
        return "unknown"


def record_operation(
    context: ExecutionContext | None, errors: list[GraphQLError] | None, seconds: float
) -> None:
    record_operation_of(operation_type(context), errors, seconds)


def record_operation_of(kind: str, errors: list[GraphQLError] | None, seconds: float) -> None:
    """:func:`record_operation` of an operation whose type is known."""
    OPERATIONS_OF[kind, "error" if errors else "ok"].inc()
    DURATION_OF[kind].observe(seconds)
    for error in errors or ():
        code = (error.extensions or {}).get("code")
        ERRORS.labels(code if isinstance(code, str) else "INTERNAL_ERROR").inc()


def name_operation_span(
    context: ExecutionContext | None, errors: list[GraphQLError] | None
) -> None:
    """Name the current ``graphql.operation`` span after the operation, when recorded."""
    if current_span() is None:
        return
    name = context.operation_name if context is not None else None
    name_span_of(operation_type(context), name, errors)


def name_span_of(kind: str, name: str | None, errors: list[GraphQLError] | None) -> None:
    """:func:`name_operation_span` of an operation whose type and name are known."""
    span = current_span()
    if span is None:
        return
    name = (name or "")[:100]
    span.update_name(f"{kind} {name}" if name else kind)
    span.set_attribute("graphql.operation.type", kind)
    if name:
        span.set_attribute("graphql.operation.name", name)
    if errors:
        span.set_attribute("graphql.errors", len(errors))
        span.set_status(Status(StatusCode.ERROR))
