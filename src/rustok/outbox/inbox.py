"""Recording a batch of events in a consumer's inbox in one constant statement.

``INSERT … ON CONFLICT DO NOTHING RETURNING event_id`` tells the new events (their effects
are to be committed now) from the duplicates (handled before). The ids go in as one
parameter (an array on PostgreSQL, a JSON list on SQLite), so the statement's text is the
same for every batch: a multi-row ``VALUES`` was compiled again for each batch size and, on
PostgreSQL, prepared again too. :func:`record_alone` runs it as a transaction of its own,
for events recorded without a handler.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import TextualSelect, bindparam, text

from rustok.outbox.models import InboxRecord

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

    from rustok.core.db import Database

INBOX: Any = InboxRecord.__table__
_POSTGRESQL = """INSERT INTO sys_event_inbox (consumer, event_id, handled_at)
SELECT :consumer, unnest(:ids), :now
ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id"""
# ``WHERE true``: SQLite's grammar needs it between a SELECT and ON CONFLICT.
_SQLITE = """INSERT INTO sys_event_inbox (consumer, event_id, handled_at)
SELECT :consumer, value, :now FROM json_each(:ids) WHERE true
ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id"""


def _postgresql() -> TextualSelect:
    from sqlalchemy.dialects.postgresql import ARRAY  # not imported on SQLite

    return (
        text(_POSTGRESQL)
        .bindparams(
            bindparam("consumer", type_=INBOX.c.consumer.type),
            bindparam("ids", type_=ARRAY(INBOX.c.event_id.type)),
            bindparam("now", type_=INBOX.c.handled_at.type),
        )
        .columns(event_id=INBOX.c.event_id.type)
    )


def _sqlite() -> TextualSelect:
    return (
        text(_SQLITE)
        .bindparams(
            bindparam("consumer", type_=INBOX.c.consumer.type),
            bindparam("now", type_=INBOX.c.handled_at.type),
        )
        .columns(event_id=INBOX.c.event_id.type)
    )


# Each built once, when its dialect first records (a SQLite server never builds PostgreSQL's).
_STATEMENTS = {"postgresql": functools.cache(_postgresql), "sqlite": functools.cache(_sqlite)}


async def record_new(
    session: AsyncSession | AsyncConnection,
    dialect: str,
    consumer: str,
    ids: Sequence[uuid.UUID],
    now: dt.datetime,
) -> set[uuid.UUID]:
    """Insert ``(consumer, id)`` for each id; return the ids that were not there yet."""
    if not ids:
        return set()
    # SQLite keeps a UUID as its 32 hex digits (SQLAlchemy's Uuid without a native type).
    values: Any = list(ids) if dialect == "postgresql" else json.dumps([i.hex for i in ids])
    params = {"consumer": consumer, "ids": values, "now": now}
    return set(await session.scalars(_STATEMENTS[dialect](), params))


async def record_alone(
    db: Database, consumer: str, ids: Sequence[uuid.UUID], now: dt.datetime
) -> set[uuid.UUID]:
    """:func:`record_new` as a transaction of its own: on PostgreSQL the one statement in
    autocommit (``BEGIN`` and ``COMMIT`` were two more round trips), on SQLite under the
    writer lock with its ``BEGIN IMMEDIATE``."""
    if db.is_sqlite:
        async with db.writer(), db.write_engine.begin() as conn:
            return await record_new(conn, db.dialect, consumer, ids, now)
    async with db.write_engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        return await record_new(conn, db.dialect, consumer, ids, now)
