"""State changes of claimed outbox rows, and the outbox's figures (pending, failed, age)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import any_, bindparam, func, select, update

from rustok.core.db import Database, utcnow
from rustok.outbox.claims import EVENTS

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
MAX_ERROR_LENGTH = 2000


def in_id_order(*conditions: Any) -> Any:
    """``id IN`` the rows matching ``conditions``, locked in id order (PostgreSQL).

    The relay's writers (dispatched, failed attempts, lease renewal, release) run in
    concurrent transactions over overlapping rows; each locking them in its own scan order
    deadlocked (renewal against failures). In one order, a writer waits instead. SQLite has
    one writer at a time and no ``FOR UPDATE``: the clause is left out there."""
    locked = select(EVENTS.c.id).where(*conditions).order_by(EVENTS.c.id).with_for_update()
    return EVENTS.c.id.in_(locked)


def backoff_delay(attempts: int) -> float:
    """1 s, 2 s, 4 s … capped at 60 s, with ±20 % jitter so relays do not retry in step."""
    delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return float(delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not security


@dataclass(frozen=True, slots=True)
class OutboxFigures:
    pending: int
    failed: int
    oldest_pending_seconds: float


class OutboxStore:
    """Marks rows dispatched, backs failures off or fails them, releases and renews claims."""

    def __init__(self, db: Database, *, max_attempts: int) -> None:
        self.db = db
        self.max_attempts = max_attempts

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Any]:
        async with self.db.writer(), self.db.write_engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def _write_one(self) -> AsyncIterator[Any]:
        """A connection for one writing statement. On PostgreSQL in autocommit: a statement
        is atomic on its own, and ``BEGIN`` … ``COMMIT`` around it were two more round
        trips per batch of events. SQLite needs its ``BEGIN IMMEDIATE`` (``engines.py``)."""
        if self.db.is_sqlite:
            async with self._write() as conn:
                yield conn
            return
        async with self.db.write_engine.connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT")

    def _id_in(self, ids: Sequence[uuid.UUID]) -> Any:
        """``id IN ids``; on PostgreSQL ``id = ANY(array)``: one statement text for any
        number of ids (an IN list was prepared again for each count)."""
        if self.db.is_sqlite:
            return EVENTS.c.id.in_(ids)
        from sqlalchemy.dialects.postgresql import ARRAY  # not imported on SQLite

        return EVENTS.c.id == any_(bindparam("ids", list(ids), type_=ARRAY(EVENTS.c.id.type)))

    async def mark_dispatched(self, ids: Sequence[uuid.UUID]) -> None:
        if not ids:
            return
        async with self._write_one() as conn:
            await conn.execute(self.dispatched(ids))

    def dispatched(self, ids: Sequence[uuid.UUID]) -> Any:
        """The statement marking rows dispatched (run alone, or in a relay's claim)."""
        return (
            update(EVENTS)
            .where(in_id_order(self._id_in(ids), EVENTS.c.status == "pending"))
            .values(
                status="dispatched",
                dispatched_at=utcnow(),
                claimed_by=None,
                claimed_at=None,
                next_attempt_at=None,
                last_error=None,
            )
        )

    async def record_failures(self, failures: Sequence[tuple[uuid.UUID, int, str]]) -> int:
        """Count a failed attempt for each ``(id, attempts so far, error)``; return how many
        rows reached the maximum and became ``failed``."""
        if not failures:
            return 0
        now, failed = utcnow(), 0
        async with self._write() as conn:
            for event_id, attempts_before, error in sorted(failures):  # lock order: by id
                attempts = attempts_before + 1
                values: dict[str, Any] = {
                    "attempts": attempts,
                    "last_error": error[:MAX_ERROR_LENGTH],
                    "claimed_by": None,
                    "claimed_at": None,
                }
                if attempts >= self.max_attempts:
                    values["status"] = "failed"
                    failed += 1
                else:
                    values["next_attempt_at"] = now + dt.timedelta(seconds=backoff_delay(attempts))
                await conn.execute(
                    update(EVENTS)
                    .where(EVENTS.c.id == event_id, EVENTS.c.status == "pending")
                    .values(values)
                )
        return failed

    async def fail(self, ids: Sequence[uuid.UUID], error: str) -> None:
        """Dead-letter rows at once (they already used up their attempts)."""
        if not ids:
            return
        async with self._write_one() as conn:
            await conn.execute(
                update(EVENTS)
                .where(in_id_order(self._id_in(ids), EVENTS.c.status == "pending"))
                .values(status="failed", last_error=error[:MAX_ERROR_LENGTH], claimed_by=None)
            )

    async def release(self, token: str, ids: Sequence[uuid.UUID] | None = None) -> None:
        """Give claims back without counting an attempt (shutdown, breaker open)."""
        condition = [EVENTS.c.claimed_by == token, EVENTS.c.status == "pending"]
        if ids is not None:
            if not ids:
                return
            condition.append(self._id_in(ids))
        async with self._write_one() as conn:
            await conn.execute(
                update(EVENTS)
                .where(in_id_order(*condition))
                .values(claimed_by=None, claimed_at=None)
            )

    async def renew(self, token: str) -> int:
        """Extend the lease of every row this relay still holds (queued, not yet handled)."""
        async with self._write_one() as conn:
            result = await conn.execute(
                update(EVENTS)
                .where(in_id_order(EVENTS.c.claimed_by == token, EVENTS.c.status == "pending"))
                .values(claimed_at=utcnow())
            )
        return int(result.rowcount)

    async def figures(self) -> OutboxFigures:
        query = select(
            func.count().filter(EVENTS.c.status == "pending"),
            func.count().filter(EVENTS.c.status == "failed"),
            func.min(EVENTS.c.created_at).filter(EVENTS.c.status == "pending"),
        )
        async with self.db.engine.connect() as conn:
            pending, failed, oldest = (await conn.execute(query)).one()
        age = 0.0 if oldest is None else max(0.0, (utcnow() - oldest).total_seconds())
        return OutboxFigures(int(pending), int(failed), age)
