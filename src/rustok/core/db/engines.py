"""The engines of a database: SQLite with its pragmas and serialised writers, PostgreSQL with
its pool and statement timeouts; both watched for outages (``outages.py``).

On SQLite, writes go through a second engine whose transactions start with
``BEGIN IMMEDIATE`` and are serialised by a process-wide lock (``Database.writer``): a
deferred transaction that upgrades to a writer after another commit fails with "database
is locked" instead of waiting.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from rustok.core.db.outages import OutageMonitor, guarded_pool, watch_engine
from rustok.core.db.text_match import SQLITE_LOWER, sqlite_lower
from rustok.core.db_metrics import instrument_engine

# How much longer than PostgreSQL's own statement timeout the client waits for an answer.
CLIENT_TIMEOUT_GRACE_SECONDS = 2.0
# A pooled PostgreSQL connection given back less than this long ago is checked out without
# the pre-ping (``_ping_in_one_round_trip``).
FRESH_SECONDS = 1.0
# When each pooled PostgreSQL connection was last given back (keyed by asyncpg's connection).
_given_back: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()
SQLITE_BUSY_TIMEOUT_MS = 10_000  # every SQLite connection's busy handler (engines, read pool)


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # Our own BEGIN (below) instead of the driver's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
        "synchronous=NORMAL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
    dbapi_connection.create_function(SQLITE_LOWER, 1, sqlite_lower, deterministic=True)


class RollbackOnClose(sqlite3.Connection):
    """A SQLite connection that rolls back before it closes.

    SQLAlchemy hard-closes a connection whose task was cancelled mid-transaction (a stopping
    consumer or relay). ``sqlite3`` then leaves a connection with an unfinished SELECT open
    as a zombie that keeps the transaction — and the write lock — until the cursor is
    garbage-collected: every other writer waited out its 10 s busy timeout. A rollback
    first resets the statements, so the close really closes.
    """

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.rollback()
        super().close()


def make_engine(
    url: str, *, immediate: bool, pool: dict[str, Any], echo: bool, outages: OutageMonitor
) -> AsyncEngine:
    name = "writer" if immediate else "main"
    options: dict[str, Any] = {
        "echo": echo,
        "poolclass": guarded_pool(outages, name),
        "pool_size": pool["pool_size"],
        "pool_timeout": pool["pool_timeout"],
    }
    if url.startswith("sqlite"):
        # SQLite's driver (aiosqlite and SQLAlchemy's dialect): a server on PostgreSQL never
        # imports it.
        from rustok.core.db.sqlite_driver import OneTripDBAPI

        engine = create_async_engine(
            url,
            **options,
            max_overflow=0,
            connect_args={"factory": RollbackOnClose},
            module=OneTripDBAPI(inline_writes=immediate),
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql(begin)

    else:
        engine = create_async_engine(
            url,
            **options,
            max_overflow=pool["max_overflow"],
            pool_pre_ping=True,
            pool_recycle=1800,
            connect_args=_postgres_connect_args(pool),
        )
        engine.sync_engine.dialect.do_ping = _ping_in_one_round_trip  # type: ignore[method-assign]
        event.listen(engine.sync_engine, "checkin", _note_given_back)
    watch_engine(engine, outages)
    overflow = 0 if url.startswith("sqlite") else pool["max_overflow"]
    instrument_engine(engine, name, capacity=pool["pool_size"] + overflow)
    return engine


def _note_given_back(dbapi_connection: Any, _record: Any) -> None:
    if dbapi_connection is not None:  # None: it was invalidated
        _given_back[dbapi_connection.driver_connection] = time.monotonic()


def _ping_in_one_round_trip(dbapi_connection: Any) -> bool:
    """The pool's pre-ping as one bare ``;`` (prepared once per connection, like SQLAlchemy's).

    SQLAlchemy's asyncpg ping wraps its ``;`` in ``BEGIN`` … ``ROLLBACK`` (for pgbouncer's
    transaction mode): three round trips before every checkout, the cost of a short
    transaction again. A dead connection fails this one the same way.

    Not at all for a connection given back less than :data:`FRESH_SECONDS` ago that the
    driver has not seen closed: a server that stops or ends the session closes the socket,
    which the driver notices while the connection waits in the pool. Under load that is
    nearly every checkout, and the ping was one round trip in four of a short transaction
    (the outbox's claim: one in two)."""
    driver = dbapi_connection.driver_connection
    given_back = _given_back.get(driver)
    if (
        given_back is not None
        and time.monotonic() - given_back < FRESH_SECONDS
        and not driver.is_closed()
    ):
        return True
    try:
        dbapi_connection.await_(dbapi_connection._connection.fetchrow(";"))
    except Exception as error:  # noqa: BLE001 - translated to the DBAPI's own errors
        dbapi_connection._handle_exception(error)
    return True


def _postgres_connect_args(pool: dict[str, Any]) -> dict[str, Any]:
    """Bound connecting by the pool timeout and every statement by the statement timeout:
    PostgreSQL cancels a slow statement itself, and the client gives up a little later in
    case the server cannot even do that (frozen, or the network is gone)."""
    args: dict[str, Any] = {"timeout": pool["pool_timeout"]}
    statement_timeout = pool["statement_timeout"]
    if statement_timeout > 0:
        args["server_settings"] = {"statement_timeout": str(round(statement_timeout * 1000))}
        args["command_timeout"] = statement_timeout + CLIENT_TIMEOUT_GRACE_SECONDS
    return args
