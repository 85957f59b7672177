"""The database of a platform: its engines, tenant-scoped sessions and SQLite's writer lock."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from rustok.core.context import current_context
from rustok.core.db.engines import make_engine
from rustok.core.db.outages import OutageMonitor
from rustok.core.db.tenant_scope import ALL_TENANTS, TENANT_KEY, ScopedSession, TenantMarker
from rustok.core.db.writer_lock import ProcessWriterLock, WriterQueue, writer_lock_path

# Below this many rows a table keeps no planner statistics (see refresh_statistics).
SMALL_TABLE_ROWS = 100


class Database:
    """Owns the engines and hands out tenant-scoped sessions."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 10,
        pool_timeout: float = 5.0,
        statement_timeout: float = 15.0,
        echo: bool = False,
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        pool = {
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            "pool_timeout": pool_timeout,
            "statement_timeout": statement_timeout,
        }
        # One monitor for both engines: an outage is the database's, not an engine's.
        self.outages = OutageMonitor()
        self.engine = make_engine(url, immediate=False, pool=pool, echo=echo, outages=self.outages)
        self.write_engine = (
            make_engine(url, immediate=True, pool=pool, echo=echo, outages=self.outages)
            if self.is_sqlite
            else self.engine
        )
        self._read_factory = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=ScopedSession
        )
        self._write_factory = async_sessionmaker(
            self.write_engine, expire_on_commit=False, sync_session_class=ScopedSession
        )
        # One writer at a time per process on SQLite (see the docstring of engines.py), and
        # across the processes of the host (writer_lock.py).
        lock_path = writer_lock_path(url) if self.is_sqlite else None
        self._writers = WriterQueue(ProcessWriterLock(lock_path) if lock_path else None)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def engines(self) -> tuple[AsyncEngine, ...]:
        return (
            (self.engine,) if self.write_engine is self.engine else (self.engine, self.write_engine)
        )

    def _tenant_marker(self, all_tenants: bool) -> TenantMarker:
        return ALL_TENANTS if all_tenants else current_context().tenant_id

    def read_session(self, *, all_tenants: bool = False) -> AsyncSession:
        """A session for reads, scoped to the current tenant."""
        return self._read_factory(info={TENANT_KEY: self._tenant_marker(all_tenants)})

    def write_session(self, *, all_tenants: bool = False) -> AsyncSession:
        return self._write_factory(info={TENANT_KEY: self._tenant_marker(all_tenants)})

    @contextlib.asynccontextmanager
    async def writer(self) -> AsyncIterator[None]:
        """Serialise writers on SQLite; a no-op on PostgreSQL."""
        if not self.is_sqlite:
            yield
            return
        async with self._writers.turn():
            yield

    async def refresh_statistics(self) -> None:
        """Let SQLite's planner know the tables' sizes (``ANALYZE``, sampled).

        Without ``sqlite_stat1`` SQLite guesses, and with 10,000 listings it walked a whole
        listing index for a lookup by handle (8–12 ms instead of 0.02 ms). PostgreSQL's
        autovacuum keeps its statistics itself.

        A small table's statistics are dropped: taken at start-up they said the outbox held
        2 rows until the next refresh an hour later, so the planner chose to scan it and every
        relay's claim read the whole, growing ``sys_events`` under the writer lock. Without
        statistics the planner assumes a big table and uses its indexes, which costs nothing
        while the table is small.
        """
        if not self.is_sqlite:
            return
        async with self.writer(), self.write_engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            await conn.exec_driver_sql("ANALYZE")
            # A row's ``stat`` starts with the table's row count.
            await conn.exec_driver_sql(
                "DELETE FROM sqlite_stat1 WHERE CAST(stat AS INTEGER) < ?", (SMALL_TABLE_ROWS,)
            )
            await conn.exec_driver_sql("ANALYZE sqlite_schema")  # reload what is left
            await conn.commit()

    async def ping(self) -> float:
        """Run ``SELECT 1``; return the latency in milliseconds or raise."""
        started = time.perf_counter()
        async with self.engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        return (time.perf_counter() - started) * 1000

    async def dispose(self) -> None:
        for engine in self.engines:
            await engine.dispose()
        self._writers.close()
