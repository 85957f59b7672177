"""SQLite's writers of one database queue across processes on a lock file (writer_lock.py):
two ``Database`` objects on one file (as two workers have) never write at the same time,
the second goes on as soon as the first lets go, and a waiter cancelled meanwhile leaves
the lock free."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rustok.core.db import Database
from rustok.core.db.writer_lock import writer_lock_path


def test_the_lock_file_sits_beside_a_database_file_and_memory_has_none(tmp_path: Path) -> None:
    assert (
        writer_lock_path(f"sqlite+aiosqlite:///{tmp_path}/a.db") == f"{tmp_path}/a.db-writer.lock"
    )
    assert writer_lock_path("sqlite+aiosqlite:///:memory:") is None
    assert writer_lock_path("sqlite+aiosqlite://") is None


async def test_two_databases_on_one_file_take_turns(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/shared.db"
    first, second = Database(url), Database(url)  # two open files: as two processes
    steps: list[str] = []
    first_holds = asyncio.Event()
    release_first = asyncio.Event()

    async def hold() -> None:
        async with first.writer():
            steps.append("first in")
            first_holds.set()
            await release_first.wait()
            steps.append("first out")

    async def follow() -> None:
        await first_holds.wait()
        async with second.writer():
            steps.append("second in")

    holder, follower = asyncio.create_task(hold()), asyncio.create_task(follow())
    await first_holds.wait()
    for _ in range(20):  # the follower waits, however often the loop turns
        await asyncio.sleep(0)
    assert steps == ["first in"]
    release_first.set()
    await asyncio.wait_for(asyncio.gather(holder, follower), 10)
    assert steps == ["first in", "first out", "second in"]
    await first.dispose()
    await second.dispose()


async def test_a_cancelled_waiter_leaves_the_lock_free(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/shared.db"
    first, second, third = Database(url), Database(url), Database(url)
    entered = asyncio.Event()

    async def wait_for_it() -> None:
        async with second.writer():
            entered.set()

    async with first.writer():
        waiter = asyncio.create_task(wait_for_it())
        for _ in range(20):
            await asyncio.sleep(0)
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
    assert waiter.cancelled() and not entered.is_set()
    # The cancelled waiter's thread took the lock after the first let go, and gave it back.
    async with asyncio.timeout(10), third.writer():
        pass
    async with asyncio.timeout(10), second.writer():
        entered.set()
    for db in (first, second, third):
        await db.dispose()
