"""One-round-trip reads on raw driver connections, for the hot read paths (storefront).

The ORM path of one read costs a session, a pooled connection with its ``BEGIN``/rollback,
and on SQLite three trips to aiosqlite's thread (``BEGIN``, the statement, the rollback:
``core/db/sqlite_driver.py``). Here a read is one statement run on a
connection kept for reads only:

- SQLite: a few threads, each with its own ``sqlite3`` connection (``query_only``, WAL);
  a read is one hop to such a thread, which executes and fetches everything at once. In
  autocommit mode the statement is its own read transaction. A *quick* read (an indexed
  lookup the caller expects to be short: a list page, a product by handle) first runs on
  the event loop's own connection under a budget of SQLite VM steps
  (:data:`INLINE_STEP_BUDGET`, about a millisecond of ordinary SQL): the thread hop costs
  more CPU (~120 µs) than such a read. Over the budget, or busy (that connection never
  waits for a lock), it is interrupted and run on a thread as any other, so a read that
  turns out slow never holds the loop for longer than the budget.
- A *full-text* read (FTS5 ranked by ``bm25``) runs in an explicit read transaction: FTS5
  looks up each match's length with a statement of its own, and in autocommit mode every
  such statement ends as if it committed (the ``bm25`` ranking of 1,346 matches: 1.46 →
  1.30 ms). A quick one (a search) gets its own budget on the loop
  (:data:`FULL_TEXT_STEP_BUDGET`): a usual search takes a millisecond or two, and the hop
  to a thread, its wake-ups and its lock hand-overs cost more CPU than the loop's wait.
- PostgreSQL: a small set of asyncpg connections; a read is one ``fetch`` (a prepared
  statement after the first use), no transaction block, no reset query on release.

Statements come compiled and tenant-scoped (``core/scoped_sql.py``); nothing here builds
SQL. Observers see every statement (the tests count them). Outages are the engines' (
``core/db/outages.py``): the same timeouts (pool, connect, statement), the same
:class:`DatabaseUnavailable` (503 with ``Retry-After``, the driver's message only in the log)
recorded on the database's :class:`OutageMonitor` (one warning per outage, one line when it
answers again). A connection that fails is dropped.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy.engine import make_url

from rustok.core.db.engines import CLIENT_TIMEOUT_GRACE_SECONDS, SQLITE_BUSY_TIMEOUT_MS
from rustok.core.db.outages import DatabaseUnavailable, OutageMonitor
from rustok.core.tracing import sql_span

Row = Sequence[Any]
StatementObserver = Callable[[str], None]
# A quick read's budget on the event loop, in SQLite VM steps: a list page of 20 takes
# ~1,200 steps (~90 µs), a product by handle ~100.
INLINE_STEP_BUDGET = 20_000
# A quick full-text read's budget on the loop: ~20 steps a match, so a one-word search of
# ~2,500 matches (~2.5 ms); a broader one is finished on a thread.
FULL_TEXT_STEP_BUDGET = 50_000
# Checks of the budget while a read runs (every budget / CHECKS_PER_BUDGET steps): each is
# a call into Python that takes the GIL back from Granian's threads, and a check every 500
# steps was ~55 of them per search ("red": ~27,800 steps, ~60 µs CPU). A read ends at most
# a tenth of its budget late.
CHECKS_PER_BUDGET = 10


class ReadPool(Protocol):
    dialect: str
    observers: list[StatementObserver]

    async def fetch(
        self, sql: str, params: Sequence[Any], *, quick: bool = False, full_text: bool = False
    ) -> list[Row]:
        """All rows of ``sql``; ``quick``: a read expected to be short (an indexed
        lookup; with ``full_text``, a search); ``full_text``: a full-text match ranked by the
        engine."""
        ...

    async def aclose(self) -> None: ...


class SqliteReadPool:
    """Reads on per-thread ``sqlite3`` connections: one thread hop each."""

    dialect = "sqlite"

    def __init__(self, path: str, threads: int, outages: OutageMonitor) -> None:
        self._path = path
        self._outages = outages
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="rustok-read")
        self.observers: list[StatementObserver] = []
        self._inline: sqlite3.Connection | None = None
        self._inline_thread = 0
        self._checks_left = 0
        self._steps_per_check = 0  # the loop connection's progress handler's interval
        # Reads finished on the loop, and quick reads sent on to a thread (tests, metrics).
        self.inline_reads = 0
        self.inline_fallbacks = 0

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _run(self, sql: str, params: Sequence[Any], full_text: bool) -> list[Row]:
        try:
            return _execute(self._connection(), sql, params, full_text)
        except sqlite3.OperationalError as exc:
            if "no such" in str(exc) or "syntax" in str(exc):
                raise  # a programming error, not an outage
            self._outages.failed(str(exc))
            raise DatabaseUnavailable(str(exc)) from exc

    def _over_budget(self) -> int:
        self._checks_left -= 1
        return 1 if self._checks_left < 0 else 0  # non-zero interrupts the statement

    def _loop_connection(self) -> sqlite3.Connection | None:
        """The connection of the thread that opened it first (the event loop's)."""
        thread = threading.get_ident()
        if self._inline is None:
            conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=0")  # never sleep on the loop: a thread waits
            conn.execute("PRAGMA query_only=ON")
            self._inline, self._inline_thread = conn, thread
            with self._lock:
                self._connections.append(conn)
        return self._inline if self._inline_thread == thread else None

    def _run_inline(self, sql: str, params: Sequence[Any], full_text: bool) -> list[Row] | None:
        """The rows, or None when the read must go to a thread (over budget, busy, or
        an error a thread's connection reports properly)."""
        try:
            conn = self._loop_connection()
        except sqlite3.Error:
            return None
        if conn is None:
            return None
        steps = (FULL_TEXT_STEP_BUDGET if full_text else INLINE_STEP_BUDGET) // CHECKS_PER_BUDGET
        if steps != self._steps_per_check:  # a list after a search, or the first read
            conn.set_progress_handler(self._over_budget, steps)
            self._steps_per_check = steps
        self._checks_left = CHECKS_PER_BUDGET
        try:
            rows = _execute(conn, sql, params, full_text)
        except sqlite3.OperationalError as exc:
            if "no such" in str(exc) or "syntax" in str(exc):
                raise  # a programming error, not an outage
            self.inline_fallbacks += 1
            return None
        self.inline_reads += 1
        return rows

    async def fetch(
        self, sql: str, params: Sequence[Any], *, quick: bool = False, full_text: bool = False
    ) -> list[Row]:
        for observe in self.observers:
            observe(sql)
        with sql_span(sql, "sqlite"):
            rows = self._run_inline(sql, params, full_text) if quick else None
            if rows is None:
                loop = asyncio.get_running_loop()
                rows = await loop.run_in_executor(self._executor, self._run, sql, params, full_text)
        self._outages.succeeded()
        return rows

    async def aclose(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._inline, self._steps_per_check = None, 0


def _execute(
    conn: sqlite3.Connection, sql: str, params: Sequence[Any], full_text: bool
) -> list[Row]:
    """All rows; a full-text read in an explicit read transaction (see the module's
    docstring), ended whatever happens: the connection never keeps one open."""
    if not full_text:
        return conn.execute(sql, params).fetchall()
    conn.execute("BEGIN")
    try:
        rows = conn.execute(sql, params).fetchall()
    finally:
        if conn.in_transaction:  # an error may have ended it already
            conn.execute("COMMIT")  # nothing was written: a commit only lets go of the read
    return rows


class PostgresReadPool:
    """Reads on a few dedicated asyncpg connections: one ``fetch`` each."""

    dialect = "postgresql"

    def __init__(
        self, dsn: str, size: int, timeout: float, statement_timeout: float, outages: OutageMonitor
    ) -> None:
        self._dsn = dsn
        self._size = size
        self._timeout = timeout
        self._statement_timeout = statement_timeout
        self._outages = outages
        self._idle: list[Any] = []
        self._slots: asyncio.Semaphore | None = None
        self.observers: list[StatementObserver] = []

    async def _connect(self) -> Any:
        import asyncpg

        # A plan per execution: asyncpg prepares each statement once, and after five runs
        # PostgreSQL may switch to a generic plan, which cannot see the tenant (one holding
        # most rows, or 20) nor the LIMIT; measured 16 ms instead of 1.8 ms for a list page
        # of the big tenant among 1,000 small ones, 36 ms instead of 8 ms for a search.
        settings = {"plan_cache_mode": "force_custom_plan"}
        limits: dict[str, Any] = {"server_settings": settings}
        if self._statement_timeout > 0:  # as the engines: the server's limit, then ours
            settings["statement_timeout"] = str(round(self._statement_timeout * 1000))
            limits["command_timeout"] = self._statement_timeout + CLIENT_TIMEOUT_GRACE_SECONDS
        conn = await asyncpg.connect(self._dsn, timeout=self._timeout, **limits)
        # As SQLAlchemy's asyncpg dialect does: JSON arrives as Python values.
        for kind in ("json", "jsonb"):
            await conn.set_type_codec(
                kind, schema="pg_catalog", encoder=str, decoder=_json_loads, format="text"
            )
        return conn

    async def fetch(
        self, sql: str, params: Sequence[Any], *, quick: bool = False, full_text: bool = False
    ) -> list[Row]:
        with sql_span(sql, "postgresql"):
            return await self._fetch_in_slot(sql, params)

    async def _fetch_in_slot(self, sql: str, params: Sequence[Any]) -> list[Row]:
        for observe in self.observers:
            observe(sql)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._size)
        started = self._outages.now()
        if self._slots.locked():  # all connections busy: wait, but not for ever
            try:
                async with asyncio.timeout(self._timeout):
                    await self._slots.acquire()
            except TimeoutError:
                self._outages.failed("no free connection in the pool", started=started)
                raise DatabaseUnavailable("no free connection in the pool") from None
        else:
            await self._slots.acquire()  # a free slot: taken at once, no timer to arm
        try:
            rows = await self._fetch(sql, params, started)
        finally:
            self._slots.release()
        self._outages.succeeded()
        return rows

    async def _fetch(self, sql: str, params: Sequence[Any], started: float) -> list[Row]:
        import asyncpg

        while True:
            reused = bool(self._idle)
            try:
                conn = self._idle.pop() if reused else await self._connect()
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                raise self._unavailable(exc, started) from exc
            try:
                rows: list[Row] = await conn.fetch(sql, *params)
            except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
                    TimeoutError) as exc:  # fmt: skip
                conn.terminate()
                # The others idle since the same restart are gone too; a read is safe to
                # run again on a new connection (as the engines' pre-ping does).
                idle, self._idle = self._idle, []
                for other in idle:
                    other.terminate()
                if reused:
                    continue
                raise self._unavailable(exc, started) from exc
            except asyncpg.PostgresError as exc:
                self._idle.append(conn)  # the statement failed, the connection is fine
                outage = self._outages.translate(exc, started=started)  # a statement timeout
                if outage is None:
                    raise
                raise outage from exc
            except BaseException:
                conn.terminate()  # cancelled mid-read: its state is unknown
                raise
            self._idle.append(conn)
            return rows

    def _unavailable(self, exc: BaseException, started: float) -> DatabaseUnavailable:
        outage = self._outages.translate(exc, started=started)
        if outage is None:  # a connection error all the same
            self._outages.failed(type(exc).__name__, started=started)
            outage = DatabaseUnavailable(type(exc).__name__)
        return outage

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()


def _json_loads(text: str) -> Any:
    import json

    return json.loads(text)


def build_read_pool(
    database_url: str, *, size: int, timeout: float, statement_timeout: float,
    outages: OutageMonitor,
) -> ReadPool:  # fmt: skip
    """The read pool for ``database_url`` (``sqlite+aiosqlite`` or ``postgresql+asyncpg``);
    its outages are recorded on ``outages`` (the database's monitor)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("raw reads need a SQLite database file")
        return SqliteReadPool(url.database, threads=min(size, 4), outages=outages)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresReadPool(dsn, size=size, timeout=timeout,
                            statement_timeout=statement_timeout, outages=outages)  # fmt: skip
