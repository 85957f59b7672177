"""SQLite's writers across the processes of one host queue on lock files, not on SQLite's
busy handler.

A ``BEGIN IMMEDIATE`` that finds another process writing is retried by SQLite's busy handler
after sleeps of 1, 2, 5, 10, 15, 20, 25, … up to 100 ms: with ``serve --workers 2`` a writer
woke up long after the write lock was free, while holding its own process's writer lock (the
tail of the checkout flow: p99 1.4-2.4 s per flow). A ``flock`` on ``<database>-writer.lock``
wakes the next waiter as soon as the holder lets go.

Within a process, writers queue on an asyncio lock. The process holding the file lock hands
it to its own next writer without letting go (a turn), up to ``MAX_TURNS`` in a row while
its writers wait, then lets the other processes have it: handing it over at every
transaction cost a thread hop and a wake-up of another process per write (the flow's p50
1.7× longer). A waiting process queues on ``<database>-writer.gate`` first and holds it
while it waits for the lock, so the process that gave way cannot take the lock back before
the waiter has had it. The kernel frees a ``flock`` when its holder dies, so a crashed
process keeps neither; the busy timeout stays the backstop for writers outside this scheme.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator

from sqlalchemy.engine import make_url

# Transactions of one process in a row while its own writers wait, before it gives way.
MAX_TURNS = 8


def writer_lock_path(url: str) -> str | None:
    """The lock file of a SQLite database file; ``None`` for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return f"{database}-writer.lock"


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _queue_for(gate: int, lock: int) -> None:
    """In a thread: the gate, then the lock, then the gate back to the next in line."""
    fcntl.flock(gate, fcntl.LOCK_EX)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
    finally:
        fcntl.flock(gate, fcntl.LOCK_UN)


class ProcessWriterLock:
    """An exclusive ``flock`` shared by the processes that open the same database."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._files: tuple[int, int] | None = None  # (gate, lock)
        self._pid = 0
        self._held = False

    @property
    def held(self) -> bool:
        return self._held and self._pid == os.getpid()

    def _open(self) -> tuple[int, int]:
        # Per process: a forked worker must not share its parent's open files (a flock is
        # held by the open file, so a shared one would not exclude anything).
        if self._files is None or self._pid != os.getpid():
            flags = os.O_RDWR | os.O_CREAT
            gate = os.open(self._path.removesuffix(".lock") + ".gate", flags, 0o600)
            self._files = (gate, os.open(self._path, flags, 0o600))
            self._pid = os.getpid()
            self._held = False
        return self._files

    async def acquire(self) -> None:
        gate, lock = self._open()
        if _try_lock(gate):  # nobody waits: take the lock if it is free
            try:
                taken = _try_lock(lock)
            finally:
                fcntl.flock(gate, fcntl.LOCK_UN)
            if taken:
                self._held = True
                return
        waiting = asyncio.get_running_loop().run_in_executor(None, _queue_for, gate, lock)
        try:
            await asyncio.shield(waiting)
        except asyncio.CancelledError:
            # The thread takes the lock all the same: give it back as soon as it has it.
            waiting.add_done_callback(lambda done: _release_taken(done, lock))
            raise
        self._held = True

    def release(self) -> None:
        if self._files is not None and self.held:
            self._held = False
            fcntl.flock(self._files[1], fcntl.LOCK_UN)

    def close(self) -> None:
        if self._files is not None and self._pid == os.getpid():
            for fd in self._files:
                os.close(fd)  # frees a lock held
        self._files = None
        self._held = False


def _release_taken(done: asyncio.Future[None], fd: int) -> None:
    if not done.cancelled() and done.exception() is None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class WriterQueue:
    """One writer at a time: first among this process's tasks, then among the processes."""

    def __init__(self, process_lock: ProcessWriterLock | None) -> None:
        self.process_lock = process_lock
        self._lock: asyncio.Lock | None = None  # made in the loop that first writes
        self._waiting = 0  # this process's writers queued for the asyncio lock
        self._turns = 0  # transactions since the process took the file lock

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if self._lock is None:
            self._lock = asyncio.Lock()
        lock, process_lock = self._lock, self.process_lock
        if process_lock is None:
            async with lock:
                yield
            return
        self._waiting += 1
        try:
            await lock.acquire()
        except BaseException:
            self._waiting -= 1
            # Cancelled while the holder kept the file lock for it: nobody else may come.
            if not lock.locked() and self._waiting == 0:
                process_lock.release()
            raise
        self._waiting -= 1
        try:
            if not process_lock.held:
                await process_lock.acquire()
                self._turns = 0
            self._turns += 1
            yield
        finally:
            if self._waiting == 0 or self._turns >= MAX_TURNS:
                process_lock.release()
            lock.release()

    def close(self) -> None:
        if self.process_lock is not None:
            self.process_lock.close()
