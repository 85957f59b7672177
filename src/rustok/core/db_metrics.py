"""Database metrics (O-1): statement duration by kind, and each connection pool's use.

``pool`` is ``main`` (every PostgreSQL statement, SQLite reads) or ``writer`` (SQLite's
serialised write engine). Gauges add up over a server's worker processes (``livesum``), so
``in_use / capacity`` is the deployment's pool saturation. The pool wait covers taking a
connection from the pool or opening a new one (``db.outages.GuardedPool``).

The same hooks open a client span per statement while tracing records the current span
(``core/tracing.py``): one hook pair for both, so tracing off adds one check per statement.
"""

from __future__ import annotations

import time
from typing import Any, Final

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from rustok.core.tracing import end_span, start_sql_span, tracing_enabled

POOLS: Final = ("main", "writer")
STATEMENT_KINDS: Final = ("select", "insert", "update", "delete", "other")
_KIND_OF: Final = {"SELECT": "select", "INSERT": "insert", "UPDATE": "update", "DELETE": "delete"}
_STARTED: Final = "rustok_started"
_SPAN: Final = "rustok_span"

QUERY_DURATION = Histogram(
    "rustok_db_query_duration_seconds",
    "Duration of one SQL statement (cursor execute), by kind: select, insert, update, delete, "
    "other (WITH, BEGIN, DDL, ...).",
    ["kind"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 15.0),
)
POOL_IN_USE = Gauge(
    "rustok_db_pool_connections_in_use",
    "Connections checked out of the pool (every process of the server).",
    ["pool"],
    multiprocess_mode="livesum",
)
POOL_OVERFLOW = Gauge(
    "rustok_db_pool_overflow_connections",
    "Connections open beyond the pool size (up to RUSTOK_DB_MAX_OVERFLOW per process).",
    ["pool"],
    multiprocess_mode="livesum",
)
POOL_CAPACITY = Gauge(
    "rustok_db_pool_capacity",
    "Connections the pool may hold: pool size plus maximum overflow (every process).",
    ["pool"],
    multiprocess_mode="livesum",
)
POOL_WAIT = Histogram(
    "rustok_db_pool_wait_seconds",
    "Time to get a connection: from the pool, or a new one (successful checkouts).",
    ["pool"],
    buckets=(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0),
)
POOL_TIMEOUTS = Counter(
    "rustok_db_pool_timeouts_total",
    "Checkouts that found no free connection within RUSTOK_DB_POOL_TIMEOUT (answered 503).",
    ["pool"],
)
UNAVAILABLE = Counter(
    "rustok_db_unavailable_total",
    "Database failures turned into 503 (refused or lost connections, pool and statement timeouts).",
)
for _pool in POOLS:
    POOL_TIMEOUTS.labels(_pool)
    POOL_WAIT.labels(_pool)
for _kind in STATEMENT_KINDS:
    QUERY_DURATION.labels(_kind)
_QUERY_CHILDREN: Final = {kind: QUERY_DURATION.labels(kind) for kind in STATEMENT_KINDS}


def statement_kind(statement: str) -> str:
    """The label of a statement: its first keyword when it is a DML verb, else ``other``."""
    return _KIND_OF.get(statement[:16].lstrip()[:6].upper(), "other")


def record_checkout(pool: Any, name: str, waited: float) -> None:
    """After a successful checkout from ``pool`` (a ``QueuePool``)."""
    POOL_WAIT.labels(name).observe(waited)
    _record_use(pool, name)


def record_checkout_timeout(name: str) -> None:
    POOL_TIMEOUTS.labels(name).inc()


def _record_use(pool: Any, name: str, *, returning: bool = False) -> None:
    # At checkin the connection is still counted; once back, one fewer is checked out, and
    # an overflow connection is closed (one fewer overflow) when the pool's queue is full.
    back = 1 if returning else 0
    overflow = pool.overflow() - (back if returning and pool._pool.full() else 0)
    POOL_IN_USE.labels(name).set(max(0, pool.checkedout() - back))
    POOL_OVERFLOW.labels(name).set(max(0, overflow))


def instrument_engine(engine: AsyncEngine, name: str, *, capacity: int) -> None:
    """Time ``engine``'s statements and keep its pool gauges current."""
    sync_engine = engine.sync_engine
    system = sync_engine.dialect.name
    POOL_CAPACITY.labels(name).set(capacity)
    POOL_IN_USE.labels(name).set(0)
    POOL_OVERFLOW.labels(name).set(0)

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _before(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if context is not None:
            setattr(context, _STARTED, time.perf_counter())
            if tracing_enabled():
                setattr(context, _SPAN, start_sql_span(statement, system))

    @event.listens_for(sync_engine, "after_cursor_execute")
    def _after(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        started = getattr(context, _STARTED, None)
        if started is not None:
            _QUERY_CHILDREN[statement_kind(statement)].observe(time.perf_counter() - started)
        if (span := getattr(context, _SPAN, None)) is not None:
            setattr(context, _SPAN, None)
            end_span(span)

    @event.listens_for(sync_engine, "handle_error")
    def _failed(exception_context: Any) -> None:
        context = exception_context.execution_context
        if (span := getattr(context, _SPAN, None)) is not None:
            setattr(context, _SPAN, None)
            end_span(span, exception_context.original_exception)

    @event.listens_for(sync_engine, "checkin")
    def _checkin(*_: object) -> None:
        _record_use(sync_engine.pool, name, returning=True)
