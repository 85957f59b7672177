"""SQLAlchemy's aiosqlite adapter with one trip to the connection's thread per statement.

aiosqlite runs each call on a thread of its own; SQLAlchemy's adapter makes four such calls
for a statement (open a cursor, execute, fetch all, close) and each is a queue hand-off and
an event-loop wake-up — about as much CPU as a short statement itself. Here the cursor is
opened, executed, read and closed in one call on that thread. What SQLAlchemy sees is the
same: the description, every row (no server-side cursor here; those keep the stock class),
``rowcount`` and ``lastrowid`` exactly as the stock adapter sets them.
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
        self._run(_execute, operation, parameters)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._run(_execute_many, operation, seq_of_parameters)

    def _run(self, call: Any, operation: Any, parameters: Any) -> None:
        connection = self._connection
        try:
            outcome: Outcome = self.await_(
                connection._execute(call, connection, operation, parameters)
            )
        except Exception as error:  # noqa: BLE001 - translated as the stock adapter does
            self._adapt_connection._handle_exception(error)
        self.description, rows, self.lastrowid, self.rowcount = outcome
        self._rows = deque(rows)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        if server_side:
            return super().cursor(server_side=True)
        return OneTripCursor(self)


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Pass as ``create_async_engine(..., module=OneTripDBAPI())``."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True
        adapted: Any = await_only(connection)
        return OneTripConnection(self, adapted)
