"""SQLite connections roll back before closing: a writer cut off mid-statement (its task
cancelled, SQLAlchemy hard-closes the connection) must not keep the write lock as a zombie."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from rustok.core.db import Database, RollbackOnClose


def _abandon_a_write(path: Path, factory: type[sqlite3.Connection]) -> sqlite3.Cursor:
    """Write, leave a query half-read, close: what a task cancelled between two steps does.
    The cursor is returned so it stays alive, as SQLAlchemy's did until collected."""
    conn = sqlite3.connect(path, isolation_level=None, factory=factory)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE t SET x = 2")
    half_read = conn.execute("SELECT x FROM t")
    assert half_read.fetchone() == (2,)
    conn.close()
    return half_read


def _table(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?)", [(1,), (1,)])
    conn.close()


def _try_to_write(path: Path) -> list[int]:
    other = sqlite3.connect(path, isolation_level=None, timeout=0.3)
    try:
        other.execute("BEGIN IMMEDIATE")
        values = [row[0] for row in other.execute("SELECT x FROM t")]
        other.execute("ROLLBACK")
        return values
    finally:
        other.close()


def test_a_closed_half_done_writer_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    _table(path)
    cursor = _abandon_a_write(path, RollbackOnClose)
    assert _try_to_write(path) == [1, 1]  # the lock is free and the UPDATE rolled back
    del cursor


def test_a_plain_sqlite3_connection_would_keep_it(tmp_path: Path) -> None:
    # Why RollbackOnClose exists: the plain close leaves a zombie holding the write lock.
    path = tmp_path / "zombie.db"
    _table(path)
    cursor = _abandon_a_write(path, sqlite3.Connection)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        _try_to_write(path)
    del cursor  # collected: the zombie finally closes
    assert _try_to_write(path) == [1, 1]


async def test_the_engines_use_it(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'engine.db'}")
    try:
        for engine in db.engines:
            async with engine.connect() as conn:
                raw = await conn.get_raw_connection()
                assert isinstance(raw.driver_connection._conn, RollbackOnClose)  # type: ignore[union-attr]
    finally:
        await db.dispose()
