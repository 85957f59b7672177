"""Database outages: classify driver failures, refuse with 503, warn once per outage.

A stopped, unreachable or frozen database, a pool with no free connection and a statement
past its timeout all become :class:`DatabaseUnavailable` (503 ``SERVICE_UNAVAILABLE`` with
``Retry-After``) where they happen, in the engine, so REST, GraphQL, the tenant resolver and
the CLI all see one typed error instead of a driver traceback::

    pool.connect()  ── pool timeout, refused/lost/timed-out connect or pre-ping ─┐
    cursor execute  ── lost connection, client or server statement timeout ─────┼─▶ Database-
                                                                                 │   Unavailable
    OutageMonitor: the first failure warns ("database unavailable"), later ones ◀┘
    only count; the next successful checkout logs "database available again".

Other errors (constraint violations, SQLite's "database is locked", bugs) pass untouched.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import AsyncAdaptedQueuePool, PoolProxiedConnection

from rustok.core.errors import Unavailable
from rustok.core.logging import get_logger

RETRY_AFTER_SECONDS = 5
# SQLSTATEs meaning "the server cannot serve this now": class 08 (connection exceptions),
# admin/crash shutdown, starting up, too many connections, statement timeout.
_OUTAGE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300", "57014"})
_DRIVER_CLASS = re.compile(r"^<class '[^']+'>: ")  # SQLAlchemy's prefix on asyncpg errors
_log = get_logger("rustok.db")


class DatabaseUnavailable(Unavailable):
    """The database cannot answer now; the client should retry later."""

    title = "Database unavailable"

    def __init__(self, reason: str) -> None:
        # The reason (hosts, ports, driver messages) goes to the log, not to the client.
        super().__init__(
            f"the database is unavailable; retry in {RETRY_AFTER_SECONDS} s",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
        self.reason = reason


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return seen


def outage_reason(exc: BaseException) -> str | None:
    """Why ``exc`` (raised by the database layer) means the database cannot serve now, or
    ``None`` when it is another kind of error."""
    for link in _chain(exc):
        if isinstance(link, DatabaseUnavailable):
            return link.reason
        if isinstance(link, sa_exc.TimeoutError):
            return "no free connection in the pool"
        sqlstate = str(getattr(link, "sqlstate", None) or "")
        if sqlstate.startswith("08") or sqlstate in _OUTAGE_SQLSTATES:
            return "statement timed out" if sqlstate == "57014" else _first_line(link)
        if isinstance(link, TimeoutError):
            return "no answer in time"
        if isinstance(link, OSError):
            return f"cannot connect: {_first_line(link)}"
        if isinstance(link, sa_exc.DBAPIError) and link.connection_invalidated:
            return "connection lost"
    return None


def _first_line(exc: BaseException) -> str:
    text = _DRIVER_CLASS.sub("", str(exc).strip())
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


class OutageMonitor:
    """One warning when the database stops answering, one line when it answers again."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._down_since: float | None = None
        self._up_since = clock()
        self._failures = 0

    def now(self) -> float:
        return self._clock()

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def failed(self, reason: str, *, started: float | None = None) -> None:
        """Record a failure; one of an attempt begun before the last recovery is stale
        (a checkout that waited out the outage) and does not open a new one."""
        self._failures += 1
        if started is not None and started < self._up_since:
            return
        if self._down_since is None:
            self._down_since = self._clock()
            _log.warning("database unavailable; answering 503 until it is back", reason=reason)

    def succeeded(self) -> None:
        if self._down_since is None:
            return
        _log.warning(
            "database available again",
            after_seconds=round(self._clock() - self._down_since, 3),
            failures=self._failures,
        )
        self._down_since = None
        self._up_since = self._clock()
        self._failures = 0

    def translate(
        self, exc: BaseException, *, started: float | None = None
    ) -> DatabaseUnavailable | None:
        """The 503 error for ``exc`` (recorded here), or ``None`` if it is no outage."""
        reason = outage_reason(exc)
        if reason is None:
            return None
        self.failed(reason, started=started)
        return exc if isinstance(exc, DatabaseUnavailable) else DatabaseUnavailable(reason)


def guarded_pool(monitor: OutageMonitor) -> type[AsyncAdaptedQueuePool]:
    """A pool class whose checkouts raise :class:`DatabaseUnavailable` on an outage.

    A checkout covers the wait for a free connection (``pool_timeout``), connecting (the
    driver's connect timeout) and the pre-ping of a pooled connection (the statement
    timeout): driver errors there are raw (``OSError``, ``TimeoutError``), not DBAPI
    errors, so the engine's ``handle_error`` never sees them.
    """

    class GuardedPool(AsyncAdaptedQueuePool):
        def connect(self) -> PoolProxiedConnection:
            started = monitor.now()
            try:
                return super().connect()
            except Exception as exc:
                outage = monitor.translate(exc, started=started)
                if outage is None or outage is exc:
                    raise
                raise outage from exc

    return GuardedPool


def watch_engine(engine: AsyncEngine, monitor: OutageMonitor) -> None:
    """Translate outages of ``engine``'s statements and record its recoveries."""

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: ExceptionContext) -> BaseException | None:
        if context.is_pre_ping:
            return None  # the pool reconnects, or GuardedPool reports the failure
        original: Any = context.original_exception
        if not isinstance(original, Exception):
            return None  # a cancelled task (marked a disconnect too) must stay cancelled
        outage = monitor.translate(original)
        if outage is None and context.is_disconnect:  # the dialect knows the link is gone
            monitor.failed("connection lost")
            outage = DatabaseUnavailable("connection lost")
        if outage is None:
            return None
        # A statement the client gave up on leaves the connection mid-protocol: drop it.
        context.is_disconnect = True
        return outage

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(*_: object) -> None:
        monitor.succeeded()
