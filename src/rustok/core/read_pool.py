"""One-round-trip reads on raw driver connections, for the hot read paths (storefront).

The ORM path of one read costs a session, a pooled connection with its ``BEGIN``/rollback,
and on SQLite about nine hops to aiosqlite's thread. Here a read is one statement run on a
connection kept for reads only:

- SQLite: a few threads, each with its own ``sqlite3`` connection (``query_only``, WAL);
  a read is one hop to such a thread, which executes and fetches everything at once. In
  autocommit mode the statement is its own read transaction.
- PostgreSQL: a small set of asyncpg connections; a read is one ``fetch`` (a prepared
  statement after the first use), no transaction block, no reset query on release.

Statements come compiled and tenant-scoped (``core/scoped_sql.py``); nothing here builds
SQL. Observers see every statement (the tests count them). A connection that fails is
dropped and the read answers 503 ``SERVICE_UNAVAILABLE``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy.engine import make_url

from rustok.core.errors import Unavailable

Row = Sequence[Any]
StatementObserver = Callable[[str], None]
SQLITE_BUSY_TIMEOUT_MS = 10_000


class ReadPool(Protocol):
    dialect: str
    observers: list[StatementObserver]

    async def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]: ...

    async def aclose(self) -> None: ...


class SqliteReadPool:
    """Reads on per-thread ``sqlite3`` connections: one thread hop each."""

    dialect = "sqlite"

    def __init__(self, path: str, threads: int) -> None:
        self._path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="rustok-read")
        self.observers: list[StatementObserver] = []

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

    def _run(self, sql: str, params: Sequence[Any]) -> list[Row]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such" in str(exc) or "syntax" in str(exc):
                raise  # a programming error, not an outage
            raise Unavailable(f"database unavailable: {exc}") from exc

    async def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        for observe in self.observers:
            observe(sql)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, sql, params)

    async def aclose(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()


class PostgresReadPool:
    """Reads on a few dedicated asyncpg connections: one ``fetch`` each."""

    dialect = "postgresql"

    def __init__(self, dsn: str, size: int, timeout: float) -> None:
        self._dsn = dsn
        self._size = size
        self._timeout = timeout
        self._idle: list[Any] = []
        self._slots: asyncio.Semaphore | None = None
        self.observers: list[StatementObserver] = []

    async def _connect(self) -> Any:
        import asyncpg

        conn = await asyncpg.connect(self._dsn, timeout=self._timeout)
        # As SQLAlchemy's asyncpg dialect does: JSON arrives as Python values.
        for kind in ("json", "jsonb"):
            await conn.set_type_codec(
                kind, schema="pg_catalog", encoder=str, decoder=_json_loads, format="text"
            )
        return conn

    async def fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        import asyncpg

        for observe in self.observers:
            observe(sql)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._size)
        async with self._slots:
            try:
                conn = self._idle.pop() if self._idle else await self._connect()
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                raise Unavailable(f"database unavailable: {exc}") from exc
            try:
                rows: list[Row] = await conn.fetch(sql, *params)
            except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError) as exc:
                conn.terminate()
                raise Unavailable(f"database unavailable: {exc}") from exc
            except asyncpg.PostgresError:
                self._idle.append(conn)  # the statement failed, the connection is fine
                raise
            except BaseException:
                conn.terminate()  # cancelled mid-read: its state is unknown
                raise
            self._idle.append(conn)
            return rows

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()


def _json_loads(text: str) -> Any:
    import json

    return json.loads(text)


def build_read_pool(database_url: str, *, size: int, timeout: float) -> ReadPool:
    """The read pool for ``database_url`` (``sqlite+aiosqlite`` or ``postgresql+asyncpg``)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("raw reads need a SQLite database file")
        return SqliteReadPool(url.database, threads=min(size, 4))
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresReadPool(dsn, size=size, timeout=timeout)
