"""SQLite's writers across the processes of one host queue on a lock file, not on SQLite's
busy handler.

A ``BEGIN IMMEDIATE`` that finds another process writing is retried by SQLite's busy handler
after sleeps of 1, 2, 5, 10, 15, 20, 25, … up to 100 ms: with ``serve --workers 2`` a writer
woke up long after the lock was free, while holding its own process's writer lock (the tail
of the checkout flow). ``flock`` on ``<database>-writer.lock`` wakes the next waiter as soon
as the holder lets go. It is taken after the process's asyncio lock (``Database.writer``),
so at most one task per process waits for it, in a thread, and only when it is busy. The
busy timeout stays the backstop for writers outside this scheme (another program).
"""

from __future__ import annotations

import asyncio
import fcntl
import os

from sqlalchemy.engine import make_url


def writer_lock_path(url: str) -> str | None:
    """The lock file of a SQLite database file; ``None`` for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return f"{database}-writer.lock"


class ProcessWriterLock:
    """An exclusive ``flock`` shared by the processes that open the same database."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        # Per process: a forked worker must not share its parent's open file (flock is held
        # by the open file, so a shared one would not exclude anything).
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    async def acquire(self) -> None:
        fd = self._file()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        waiting = asyncio.get_running_loop().run_in_executor(None, fcntl.flock, fd, fcntl.LOCK_EX)
        try:
            await asyncio.shield(waiting)
        except asyncio.CancelledError:
            # The thread takes the lock all the same: give it back as soon as it has it.
            waiting.add_done_callback(lambda done: _release_taken(done, fd))
            raise

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


def _release_taken(done: asyncio.Future[None], fd: int) -> None:
    if not done.cancelled() and done.exception() is None:
        fcntl.flock(fd, fcntl.LOCK_UN)
