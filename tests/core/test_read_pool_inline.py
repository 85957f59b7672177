"""Quick SQLite reads on the event loop's own connection, under a step budget
(``core/read_pool.py``): they answer what the thread path answers, a slow one is interrupted
and finished on a thread, and the loop never waits for a lock."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from rustok.core.db.outages import OutageMonitor
from rustok.core.read_pool import (
    FULL_TEXT_STEP_BUDGET,
    INLINE_STEP_BUDGET,
    SqliteReadPool,
    build_read_pool,
)

# Far more VM steps than the budget allows: counting to 200,000 in a recursive CTE.
SLOW = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) "
    "SELECT count(*), max(x) FROM c"
)

# ~30,000 VM steps (20 a row): over a quick read's budget, within a quick full-text read's.
MEDIUM = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500) "
    "SELECT count(*), max(x) FROM c"
)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "reads.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO items VALUES (?, ?)", [(n, f"item {n}") for n in range(100)])
    conn.commit()
    conn.close()
    return path


@pytest.fixture
async def pool(database: Path) -> AsyncIterator[SqliteReadPool]:
    reads = SqliteReadPool(str(database), threads=2, outages=OutageMonitor())
    yield reads
    await reads.aclose()


async def test_a_quick_read_runs_on_the_loop_and_answers_as_a_thread_does(
    pool: SqliteReadPool,
) -> None:
    sql = "SELECT id, name FROM items WHERE id BETWEEN ? AND ? ORDER BY id"
    on_loop = await pool.fetch(sql, (10, 14), quick=True)
    on_thread = await pool.fetch(sql, (10, 14))
    assert [tuple(r) for r in on_loop] == [(n, f"item {n}") for n in range(10, 15)]
    assert [tuple(r) for r in on_thread] == [tuple(r) for r in on_loop]
    assert (pool.inline_reads, pool.inline_fallbacks) == (1, 0)


async def test_a_read_over_the_step_budget_is_finished_on_a_thread(
    pool: SqliteReadPool,
) -> None:
    assert INLINE_STEP_BUDGET < 200_000
    rows = await pool.fetch(SLOW, (), quick=True)
    assert tuple(rows[0]) == (200_000, 200_000)  # the whole answer, from the thread
    assert (pool.inline_reads, pool.inline_fallbacks) == (0, 1)
    # The loop's connection is usable again at once.
    assert [tuple(r) for r in await pool.fetch("SELECT count(*) FROM items", (), quick=True)] == [
        (100,)
    ]
    assert pool.inline_reads == 1


async def test_a_locked_database_never_holds_the_loop(database: Path, pool: SqliteReadPool) -> None:
    # An exclusive-mode writer keeps every other connection out until it lets go; the
    # thread path waits for it (busy timeout), the loop's connection must not.
    writer = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    writer.execute("PRAGMA locking_mode=EXCLUSIVE")
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("INSERT INTO items VALUES (1000, 'late')")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(ticker())
    read = asyncio.create_task(pool.fetch("SELECT count(*) FROM items", (), quick=True))
    await asyncio.sleep(0.3)
    assert not read.done()
    seen = ticks
    assert seen >= 10  # the loop went on while the read waited
    writer.execute("COMMIT")
    writer.execute("PRAGMA locking_mode=NORMAL")
    writer.execute("SELECT 1").fetchall()  # the exclusive lock is dropped on the next access
    writer.close()
    rows = await asyncio.wait_for(read, 15)
    ticking.cancel()
    assert tuple(rows[0]) == (101,)
    assert pool.inline_fallbacks == 1


async def test_another_thread_never_uses_the_loops_connection(pool: SqliteReadPool) -> None:
    await pool.fetch("SELECT 1", (), quick=True)  # the loop's thread owns the connection now
    answers: list[object] = []

    def elsewhere() -> None:
        answers.append(asyncio.run(pool.fetch("SELECT 2", (), quick=True)))

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join(15)
    assert [tuple(r) for r in answers[0]] == [(2,)]  # type: ignore[attr-defined]
    assert pool.inline_reads == 1  # the other thread's read went through the executor


async def test_a_programming_error_is_raised_not_retried(pool: SqliteReadPool) -> None:
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await pool.fetch("SELECT * FROM missing", (), quick=True)
    assert pool.inline_fallbacks == 0


async def test_a_full_text_read_runs_in_one_read_transaction(
    pool: SqliteReadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FTS5 runs a statement of its own per match (its length); in a transaction none of
    them ends as a commit. On the loop and on a thread alike, and never left open."""
    traced: list[str] = []
    connect = sqlite3.connect

    def traced_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = connect(*args, **kwargs)
        conn.set_trace_callback(traced.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced_connect)  # the pool's connections
    sql = "SELECT count(*) FROM items WHERE id < ?"
    on_loop = await pool.fetch(sql, (10,), quick=True, full_text=True)
    on_thread = await pool.fetch(sql, (20,), full_text=True)
    plain = await pool.fetch(sql, (30,))
    assert [tuple(r) for r in on_loop + on_thread + plain] == [(10,), (20,), (30,)]
    reads = [line for line in traced if not line.startswith("PRAGMA")]
    assert reads == [
        "BEGIN", "SELECT count(*) FROM items WHERE id < 10", "COMMIT",
        "BEGIN", "SELECT count(*) FROM items WHERE id < 20", "COMMIT",
        "SELECT count(*) FROM items WHERE id < 30",
    ]  # fmt: skip
    assert (pool.inline_reads, pool.inline_fallbacks) == (1, 0)


async def test_a_quick_full_text_read_has_a_budget_of_its_own(pool: SqliteReadPool) -> None:
    """A search takes more steps than an indexed lookup: within its own budget it stays on
    the loop; over it, it is finished on a thread with its transaction ended."""
    assert INLINE_STEP_BUDGET < 30_000 < FULL_TEXT_STEP_BUDGET < 200_000
    assert tuple((await pool.fetch(MEDIUM, (), quick=True))[0]) == (1500, 1500)
    assert (pool.inline_reads, pool.inline_fallbacks) == (0, 1)
    assert tuple((await pool.fetch(MEDIUM, (), quick=True, full_text=True))[0]) == (1500, 1500)
    assert (pool.inline_reads, pool.inline_fallbacks) == (1, 1)
    assert tuple((await pool.fetch(SLOW, (), quick=True, full_text=True))[0]) == (200_000, 200_000)
    assert (pool.inline_reads, pool.inline_fallbacks) == (1, 2)
    # The interrupted read's transaction is gone: the next one begins its own.
    rows = await pool.fetch("SELECT count(*) FROM items", (), quick=True, full_text=True)
    assert [tuple(r) for r in rows] == [(100,)]
    assert (pool.inline_reads, pool.inline_fallbacks) == (2, 2)


async def test_the_budget_is_checked_ten_times_a_budget_not_every_500_steps(
    pool: SqliteReadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each check is a call into Python that takes the GIL back: a search of ~30,000 steps
    was checked ~60 times; now every tenth of its budget, whichever read came before."""
    checks: list[int] = []
    over_budget = pool._over_budget

    def counted() -> int:
        checks.append(1)
        return over_budget()

    monkeypatch.setattr(pool, "_over_budget", counted)  # before the loop's connection opens
    for full_text in (True, False, True):
        checks.clear()
        assert tuple((await pool.fetch(MEDIUM, (), quick=True, full_text=True))[0]) == (
            1500,
            1500,
        )
        # ~30,000 steps in all, a check every 5,000 (50,000 / 10)
        assert 3 <= len(checks) <= 7, len(checks)
        checks.clear()
        rows = await pool.fetch("SELECT count(*) FROM items", (), quick=True, full_text=full_text)
        assert [tuple(r) for r in rows] == [(100,)]
        assert len(checks) == 0  # a short read: no check at all
    # Over the quick budget (20,000): interrupted after 10 checks of 2,000 steps.
    checks.clear()
    assert tuple((await pool.fetch(MEDIUM, (), quick=True))[0]) == (1500, 1500)
    assert len(checks) == 11
    assert (pool.inline_reads, pool.inline_fallbacks) == (6, 1)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_postgres_reads_are_planned_for_their_values(db_url: str) -> None:
    # A prepared statement's generic plan cannot see the tenant or the LIMIT: 16 ms instead
    # of 1.8 ms for a list page of a big tenant among many small ones (read_pool.py).
    pool = build_read_pool(
        db_url, size=1, timeout=5.0, statement_timeout=15.0, outages=OutageMonitor()
    )
    try:
        rows = await pool.fetch("SELECT current_setting('plan_cache_mode')", ())
        timeout = await pool.fetch("SELECT current_setting('statement_timeout')", ())
    finally:
        await pool.aclose()
    assert tuple(rows[0]) == ("force_custom_plan",)
    assert tuple(timeout[0]) == ("15s",)
