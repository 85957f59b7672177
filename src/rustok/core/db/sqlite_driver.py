"""SQLAlchemy's aiosqlite adapter with one trip to the connection's thread per statement.

aiosqlite runs each call on a thread of its own; SQLAlchemy's adapter makes four such calls
for a statement (open a cursor, execute, fetch all, close) and each is a queue hand-off and
an event-loop wake-up — about as much CPU as a short statement itself. Here the cursor is
opened, executed, read and closed in one call on that thread. What SQLAlchemy sees is the
same: the description, every row (no server-side cursor here; those keep the stock class),
``rowcount`` and ``lastrowid`` exactly as the stock adapter sets them.

A transaction's ``BEGIN`` (``BEGIN IMMEDIATE`` on the writer engine: engines.py) travels
with its first statement: the engine's ``begin`` hook runs it just before that statement
anyway, and as a trip of its own it cost a wake-up of the loop, under SQLite's writer lock
for a writer. A commit or rollback with no transaction open (one that ran no statement, or
the pool's reset of a connection returned after its commit) makes no trip.

On the writer engine, a transaction's statements after that first one, and its commit or
rollback, run on the event loop's thread with no trip at all: the transaction holds SQLite's
write lock from its ``BEGIN IMMEDIATE`` on, so nothing it runs waits for a lock, and every
trip cost a thread hand-off plus the time the loop spent on other tasks before resuming the
writer, all of it under the writer lock that every other writer of the host queues for
(``serve --workers 2``: 9 write transactions per checkout flow held it ~4 ms each, and the
flow's writers waited 57-70 ms for it on average). Its ``BEGIN IMMEDIATE`` is tried there
too, with no busy handler: when another connection holds SQLite's write lock (a writer
outside this host's writer queue), it is sent to the thread, which waits as before. A
connection whose trip was cancelled keeps using the thread (that trip may still run there).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_only

from rustok.core.db.engines import SQLITE_BUSY_TIMEOUT_MS

# (description, rows, lastrowid, rowcount) of one statement
Outcome = tuple[Any, list[Any], Any, int]


def _execute(connection: aiosqlite.Connection, operation: str, parameters: Any) -> Outcome:
    """On the connection's thread: the whole statement."""
    cursor = connection._conn.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1
        return None, [], cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


def _begin_then(
    connection: aiosqlite.Connection, begin: str, call: Any, operation: str, parameters: Any
) -> Outcome:
    """On the connection's thread: the deferred ``BEGIN``, then the statement."""
    connection._conn.execute(begin).close()
    result: Outcome = call(connection, operation, parameters)
    return result


_BEGINS = frozenset({"BEGIN", "BEGIN IMMEDIATE"})
_NOT_NOW: Any = object()


def _begin_now_then(
    connection: aiosqlite.Connection, begin: str, call: Any, operation: str, parameters: Any
) -> Outcome:
    """On the loop's thread: the ``BEGIN`` if it takes the write lock without waiting, then
    the statement; ``_NOT_NOW`` (nothing done) when another connection holds the lock."""
    conn = connection._conn
    conn.execute("PRAGMA busy_timeout=0").close()
    try:
        conn.execute(begin).close()
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode == sqlite3.SQLITE_BUSY:
            return _NOT_NOW  # type: ignore[no-any-return]
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}").close()
    result: Outcome = call(connection, operation, parameters)
    return result


async def _at_once(call: Any, *args: Any) -> Any:
    """``call`` on the loop's thread, as an awaitable that never suspends: SQLAlchemy's
    async layer insists on one await per statement, and this one yields to no other task."""
    return call(*args)


def _execute_many(connection: aiosqlite.Connection, operation: str, parameters: Any) -> Outcome:
    cursor = connection._conn.cursor()
    try:
        cursor.executemany(operation, parameters)
        return None, [], cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        if operation in _BEGINS and not parameters:
            # Sent with the next statement (see the module's docstring).
            self._adapt_connection.pending_begin = operation  # type: ignore[attr-defined]
            self.description, self.lastrowid, self.rowcount = None, 0, -1
            self._rows = deque()
            return
        self._run(_execute, operation, parameters)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._run(_execute_many, operation, seq_of_parameters)

    def _run(self, call: Any, operation: Any, parameters: Any) -> None:
        connection = self._connection
        adapted: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        begin, adapted.pending_begin = adapted.pending_begin, None
        try:
            if begin is None and adapted.in_write_transaction():
                outcome: Outcome = self.await_(_at_once(call, connection, operation, parameters))
            elif begin is None:
                outcome = adapted.trip(connection._execute(call, connection, operation, parameters))
            else:
                outcome = _NOT_NOW
                if adapted.inline_writes and not adapted.trip_in_flight:
                    outcome = self.await_(
                        _at_once(_begin_now_then, connection, begin, call, operation, parameters)
                    )
                if outcome is _NOT_NOW:  # queued behind the lock's holder, on the thread
                    outcome = adapted.trip(
                        connection._execute(
                            _begin_then, connection, begin, call, operation, parameters
                        )
                    )
        except Exception as error:  # noqa: BLE001 - translated as the stock adapter does
            self._adapt_connection._handle_exception(error)
        self.description, rows, self.lastrowid, self.rowcount = outcome
        self._rows = deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("inline_writes", "pending_begin", "trip_in_flight")

    def __init__(self, dbapi: Any, connection: Any, *, inline_writes: bool = False) -> None:
        super().__init__(dbapi, connection)
        self.pending_begin: str | None = None  # a BEGIN not sent yet
        self.inline_writes = inline_writes  # the writer engine's (see the module docstring)
        self.trip_in_flight = False  # a trip was cancelled: its thread may still be at it

    def trip(self, queued: Any) -> Any:
        """Await a call queued to the connection's thread."""
        self.trip_in_flight = True
        try:
            outcome = self.await_(queued)
        except Exception:
            self.trip_in_flight = False  # the thread answered, with an error
            raise
        # A cancellation (not an Exception) leaves the flag set for good.
        self.trip_in_flight = False
        return outcome

    def in_write_transaction(self) -> bool:
        """A writer's transaction is open and its thread is idle: run on the loop."""
        return (
            self.inline_writes
            and not self.trip_in_flight
            and self._connection._connection is not None
            and self._connection._conn.in_transaction
        )

    def commit(self) -> None:
        if self._idle():
            return
        if self.in_write_transaction():
            self._inline(self._connection._conn.commit)
            return
        super().commit()

    def rollback(self) -> None:
        if self._idle():
            return
        if self.in_write_transaction():
            self._inline(self._connection._conn.rollback)
            return
        super().rollback()

    def _inline(self, end: Any) -> None:
        try:
            self.await_(_at_once(end))
        except Exception as error:  # noqa: BLE001 - translated as the stock adapter does
            self._handle_exception(error)

    def _idle(self) -> bool:
        """No transaction to end (``sqlite3`` would do nothing), so no trip: a ``BEGIN``
        still pending, or none (the pool's rollback of every returned connection)."""
        if self.pending_begin is not None:
            self.pending_begin = None
            return True
        try:
            return not self._connection._conn.in_transaction
        except ValueError:  # closed: the stock path reports it
            return False

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        if server_side:  # the stock cursor: its transaction's BEGIN goes first, alone
            begin, self.pending_begin = self.pending_begin, None
            if begin is not None:
                try:
                    self.await_(self._connection._execute(_execute, self._connection, begin, None))
                except Exception as error:  # noqa: BLE001 - translated as the stock adapter does
                    self._handle_exception(error)
            return super().cursor(server_side=True)
        return OneTripCursor(self)


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Pass as ``create_async_engine(..., module=OneTripDBAPI())``; ``inline_writes`` for
    the writer engine (its transactions begin with ``BEGIN IMMEDIATE``)."""

    def __init__(self, *, inline_writes: bool = False) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.inline_writes = inline_writes

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        if self.inline_writes:  # used from the loop's thread too, never at the same time
            kw["check_same_thread"] = False
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True
        adapted: Any = await_only(connection)
        return OneTripConnection(self, adapted, inline_writes=self.inline_writes)
