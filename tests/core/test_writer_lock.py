"""SQLite's writers of one database queue across processes on lock files (writer_lock.py):
two ``Database`` objects on one file (as two workers have) never write at the same time,
the second goes on as soon as the first lets go; a process hands the lock to its own queued
writers up to ``MAX_TURNS`` in a row, then the waiting process has it; a waiter cancelled
meanwhile and a holder killed leave the lock free; two processes writing at once lose
nothing."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rustok.core.db import Database
from rustok.core.db.writer_lock import MAX_TURNS, writer_lock_path


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


def _gate_taken(database: Path) -> bool:
    """Whether a process queues on the gate (it holds it while it waits for the lock)."""
    fd = os.open(f"{database}-writer.gate", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


async def test_a_process_hands_the_lock_to_its_own_writers_then_gives_way(tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    url = f"sqlite+aiosqlite:///{database}"
    first, second = Database(url), Database(url)
    order: list[str] = []
    first_holds, release_first = asyncio.Event(), asyncio.Event()

    async def first_writes(n: int) -> None:
        async with first.writer():
            order.append(f"first {n}")
            if n == 0:
                first_holds.set()
                await release_first.wait()

    async def second_writes() -> None:
        async with second.writer():
            order.append("second")

    queued = [asyncio.create_task(first_writes(n)) for n in range(MAX_TURNS + 4)]
    await first_holds.wait()
    other = asyncio.create_task(second_writes())
    for _ in range(1000):  # until the other process waits for the lock (holding the gate)
        if _gate_taken(database):
            break
        await asyncio.sleep(0.01)
    assert order == ["first 0"]
    release_first.set()
    await asyncio.wait_for(asyncio.gather(*queued, other), 10)
    assert order == [
        *(f"first {n}" for n in range(MAX_TURNS)),
        "second",
        *(f"first {n}" for n in range(MAX_TURNS, MAX_TURNS + 4)),
    ]
    await first.dispose()
    await second.dispose()


async def test_a_writer_cancelled_as_its_turn_came_lets_the_other_processes_in(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/shared.db"
    first, second = Database(url), Database(url)
    first_holds, release_first = asyncio.Event(), asyncio.Event()
    steps: list[str] = []

    async def never() -> None:
        async with first.writer():
            steps.append("cancelled writer in")

    async def hold() -> None:
        async with first.writer():
            first_holds.set()
            await release_first.wait()
        # The lock was kept for the waiter, which is cancelled before it runs.
        waiter.cancel()

    async def other() -> None:
        async with second.writer():
            steps.append("second in")

    holder = asyncio.create_task(hold())
    await first_holds.wait()
    waiter = asyncio.create_task(never())
    follower = asyncio.create_task(other())
    for _ in range(20):
        await asyncio.sleep(0.005)
    assert steps == []
    release_first.set()
    await asyncio.wait_for(asyncio.gather(holder, follower), 10)
    await asyncio.gather(waiter, return_exceptions=True)
    assert waiter.cancelled()
    assert steps == ["second in"]
    await first.dispose()
    await second.dispose()


_HOLDER = """
import asyncio, sys
from rustok.core.db import Database

async def main() -> None:
    async with Database(sys.argv[1]).writer():
        print("held", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


def _child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


@pytest.mark.slow
async def test_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/shared.db"
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _HOLDER, url, env=_child_env(), stdout=subprocess.PIPE
    )
    db = Database(url)
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), 60) == b"held\n"
        entered = asyncio.Event()

        async def write() -> None:
            async with db.writer():
                entered.set()

        writer = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        assert not entered.is_set()
        holder.kill()
        await holder.wait()
        await asyncio.wait_for(writer, 10)
        assert entered.is_set()
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
        await db.dispose()


_WRITER = """
import asyncio, os, sys
from sqlalchemy import text
from rustok.core.db import Database

URL, NAME, INSIDE = sys.argv[1], sys.argv[2], sys.argv[3]
TASKS, WRITES = 4, 25

async def main() -> None:
    db = Database(URL)
    overlaps = 0

    async def task(t: int) -> None:
        nonlocal overlaps
        for n in range(WRITES):
            async with db.writer():
                try:  # another writer of either process inside too?
                    marker = os.open(INSIDE, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                except FileExistsError:
                    overlaps += 1
                    marker = None
                await asyncio.sleep(0.001)
                async with db.write_engine.begin() as conn:
                    await conn.execute(text("INSERT INTO writes (process, n) VALUES (:p, :n)"),
                                       {"p": NAME, "n": t * WRITES + n})
                if marker is not None:
                    os.close(marker)
                    os.unlink(INSIDE)

    print("ready", flush=True)
    sys.stdin.readline()  # both processes start together
    await asyncio.gather(*(task(t) for t in range(TASKS)))
    await db.dispose()
    print(overlaps, flush=True)

asyncio.run(main())
"""


@pytest.mark.slow
def test_two_processes_writing_at_once_take_turns_and_lose_nothing(tmp_path: Path) -> None:
    database = tmp_path / "shared.db"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE writes (process TEXT, n INTEGER, PRIMARY KEY (process, n))")
    url = f"sqlite+aiosqlite:///{database}"
    inside = str(tmp_path / "inside")
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, url, name, inside],
            env=_child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    try:
        for child in children:
            assert child.stdout is not None and child.stdout.readline() == "ready\n"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=120)[0] for child in children]  # no deadlock
    finally:
        for child in children:
            child.kill()
            child.wait()
    assert [child.returncode for child in children] == [0, 0]
    assert outputs == ["0\n", "0\n"]  # never two writers at once
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT process, count(*) FROM writes GROUP BY process").fetchall()
    assert sorted(rows) == [("a", 100), ("b", 100)]
