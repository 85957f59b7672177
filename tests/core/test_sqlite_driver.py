"""The SQLite engines run each statement in one trip to aiosqlite's thread
(``core/db/sqlite_driver.py``) and answer what SQLAlchemy's stock adapter answers."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from rustok.core.db.engines import make_engine
from rustok.core.db.outages import OutageMonitor

POOL = {"pool_size": 1, "pool_timeout": 5.0}


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Calls queued to aiosqlite's connection threads (one list item per call)."""
    queued: list[int] = []
    queue = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Callable[..., Any], *a: Any, **k: Any) -> Any:
        queued.append(1)
        return await queue(self, fn, *a, **k)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return queued


@pytest.fixture
async def ours(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ours.db'}"
    engine = make_engine(url, immediate=True, pool=POOL, echo=False, outages=OutageMonitor())
    yield engine
    await engine.dispose()


@pytest.fixture
async def reader(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ours.db'}"
    engine = make_engine(url, immediate=False, pool=POOL, echo=False, outages=OutageMonitor())
    yield engine
    await engine.dispose()


@pytest.fixture
async def stock(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'stock.db'}")
    yield engine
    await engine.dispose()


async def test_a_statement_is_one_trip(
    reader: AsyncEngine, stock: AsyncEngine, trips: list[int]
) -> None:
    for engine in (reader, stock):
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")  # the pool's first connection
            trips.clear()
            rows = (await conn.exec_driver_sql("SELECT 1, 'a' UNION ALL SELECT 2, 'b'")).all()
            assert [tuple(r) for r in rows] == [(1, "a"), (2, "b")]
            await conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS t (x INTEGER)")
            counted = len(trips)
        assert counted == (2 if engine is reader else 7)  # stock: cursor, execute, fetch, close


async def _script(conn: AsyncConnection) -> list[Any]:
    """Statements whose every visible outcome is recorded."""
    seen: list[Any] = []
    await conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE, n INT)"))
    inserted = await conn.execute(text("INSERT INTO item (name, n) VALUES ('a', 1)"))
    seen += ["insert", inserted.rowcount, inserted.lastrowid, inserted.returns_rows]
    many = await conn.execute(
        text("INSERT INTO item (name, n) VALUES (:name, :n)"),
        [{"name": f"m{i}", "n": i} for i in range(5)],
    )
    seen += ["many", many.rowcount]
    updated = await conn.execute(text("UPDATE item SET n = n + 10 WHERE n < 3"))
    seen += ["update", updated.rowcount]
    returned = await conn.execute(text("UPDATE item SET n = n * 2 WHERE n > 12 RETURNING id, n"))
    seen += ["returning", list(returned.keys()), sorted(tuple(r) for r in returned)]
    selected = await conn.execute(text("SELECT id, name, n FROM item ORDER BY id"))
    seen += ["select", list(selected.keys()), [tuple(r) for r in selected]]
    one = await conn.execute(text("SELECT name FROM item WHERE n = :n"), {"n": 12})
    seen += ["first", one.first()]
    nothing = await conn.execute(text("SELECT name FROM item WHERE n < 0"))
    seen += ["none", nothing.all(), list(nothing.keys())]
    streamed = await conn.stream(text("SELECT name FROM item ORDER BY id LIMIT 3"))
    seen += ["stream", [tuple(r) async for r in streamed]]
    for bad in ("INSERT INTO item (name, n) VALUES ('a', 0)", "SELEC 1", "SELECT nope FROM item"):
        with pytest.raises(exc.DBAPIError) as raised:
            await conn.execute(text(bad))
        seen += ["error", type(raised.value).__name__, str(raised.value.orig)]
    after = await conn.execute(text("SELECT count(*) FROM item"))  # usable after errors
    seen += ["after", after.scalar_one()]
    return seen


async def test_every_outcome_is_the_stock_adapters(ours: AsyncEngine, stock: AsyncEngine) -> None:
    async with ours.connect() as mine, stock.connect() as theirs:
        assert await _script(mine) == await _script(theirs)


async def test_a_rolled_back_write_is_gone_and_a_committed_one_stays(ours: AsyncEngine) -> None:
    async with ours.begin() as conn:
        await conn.execute(text("CREATE TABLE kept (x INTEGER)"))
        await conn.execute(text("INSERT INTO kept VALUES (1)"))
    async with ours.connect() as conn:
        transaction = await conn.begin()
        await conn.execute(text("INSERT INTO kept VALUES (2)"))
        await transaction.rollback()
    async with ours.connect() as conn:
        assert (await conn.execute(text("SELECT x FROM kept"))).scalars().all() == [1]


async def test_a_transaction_begins_with_its_first_statement(
    ours: AsyncEngine, trips: list[int], tmp_path: Path
) -> None:
    """``BEGIN IMMEDIATE`` goes with the first statement, and still takes the writer lock
    there; with the lock free, the whole transaction runs on the loop's thread, its commit
    included, with no trip at all (it was three: the first statement with its BEGIN, the
    INSERT, the COMMIT); a transaction that runs nothing costs no trip, nor does the pool's
    reset of a connection after its commit."""
    async with ours.begin() as conn:
        await conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    trips.clear()
    async with ours.begin() as conn:
        pass
    assert trips == []
    async with ours.begin() as conn:
        assert (await conn.exec_driver_sql("SELECT count(*) FROM t")).scalar_one() == 0
        assert trips == []
        other = sqlite3.connect(tmp_path / "ours.db", timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
        await conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    assert trips == []
    async with ours.connect() as conn:
        assert (await conn.exec_driver_sql("SELECT x FROM t")).scalars().all() == [1]


async def test_a_writer_keeps_the_loop_between_its_statements(ours: AsyncEngine) -> None:
    """After its ``BEGIN IMMEDIATE``, no other task runs between a write transaction's
    statements: each trip to the thread let the loop serve other tasks first, with SQLite's
    write lock (and the host's writer queue) held all the while."""
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(ticking())
    try:
        async with ours.begin() as conn:
            await conn.exec_driver_sql("CREATE TABLE w (x INTEGER)")
            before = ticks
            for n in range(5):
                await conn.exec_driver_sql("INSERT INTO w VALUES (?)", (n,))
            rows = (await conn.exec_driver_sql("SELECT x FROM w ORDER BY x")).scalars().all()
            during = ticks - before
        assert rows == [0, 1, 2, 3, 4] and during == 0
        async with ours.connect() as conn:  # committed
            assert (await conn.exec_driver_sql("SELECT count(*) FROM w")).scalar_one() == 5
    finally:
        other.cancel()


async def test_a_writer_waits_on_its_thread_for_a_lock_held_elsewhere(
    ours: AsyncEngine, trips: list[int], tmp_path: Path
) -> None:
    """A ``BEGIN IMMEDIATE`` that finds SQLite's write lock taken (a writer outside the
    host's writer queue) is not refused: it waits on the connection's thread, under the busy
    handler, while the loop goes on, and the busy handler is the engines' again after it."""
    async with ours.begin() as conn:
        await conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(tmp_path / "ours.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    trips.clear()

    async def write() -> int:
        async with ours.begin() as conn:
            await conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            timeout = await conn.exec_driver_sql("PRAGMA busy_timeout")
            return int(timeout.scalar_one())

    writer = asyncio.create_task(write())
    try:
        await asyncio.sleep(0.2)
        assert not writer.done()  # waiting for the lock, the loop free
    finally:
        other.commit()
        other.close()
    assert await writer == 10_000
    assert len(trips) == 1  # the INSERT with its BEGIN, on the thread; the rest on the loop
    async with ours.connect() as conn:
        assert (await conn.exec_driver_sql("SELECT x FROM t")).scalars().all() == [1]
