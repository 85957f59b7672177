"""Claiming outbox rows for one relay (E-4): never the same row to two live relays.

A row is claimable when it is ``pending``, due (``next_attempt_at`` passed) and unclaimed or
its claim is older than the lease (its relay died). A claim also respects aggregate order: a
row is skipped while an older pending row of the same aggregate is held elsewhere or backing
off, so the events of one aggregate are handed over in order and never by two relays at once.
Rows a relay already holds do not block it: it hands its rows over in id order anyway (one
lane per aggregate in-process, one publish chain per aggregate for a broker).
Taking over an abandoned claim is not a failed attempt: a relay with a full dispatch queue
holds thousands of rows, and a crash must not push them towards ``failed``.
That exemption makes the claim token the relay's identity: two relays sharing one would each
take the other's younger rows and publish an aggregate's events side by side, out of order.
Tokens are therefore 128 random bits (:func:`new_claim_token`), never derived from the clock.

- :class:`PostgresClaimer`: one ``UPDATE … RETURNING`` of the rows a ``FOR UPDATE SKIP
  LOCKED`` CTE locked; concurrent relays skip each other's rows instead of waiting.
- :class:`SqliteClaimer`: one atomic ``UPDATE … WHERE id IN (subquery) RETURNING`` under the
  database's single writer lock (select-then-update would hand the same rows to everyone).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    bindparam,
    exists,
    func,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.sql.expression import TableClause

from rustok.core.db import Database, utcnow
from rustok.core.events import Envelope
from rustok.outbox.models import OutboxEvent

EVENTS: Any = OutboxEvent.__table__


@dataclass(frozen=True, slots=True)
class ClaimedEvent:
    envelope: Envelope
    attempts: int  # failed publish attempts so far
    replays: int


def new_claim_token() -> str:
    """A fresh relay identity, unique across processes and within one (not clock-based:
    a ULID prefix was the same for relays made in one millisecond)."""
    return f"relay-{secrets.token_hex(16)}"


class Claimer(Protocol):
    token: str
    # After a claim: True when it took every row it could (nothing claimable is left
    # beyond it), so the relay waits for a wake instead of claiming again at once.
    drained: bool

    async def claim(self, limit: int) -> list[ClaimedEvent]: ...


def held_by(t: TableClause, token: str, cutoff: Any) -> ColumnElement[bool]:
    c: Any = t.c
    # NULL-safe on purpose: NOT(NULL) would make an unclaimed elder block nothing.
    return and_(c.claimed_by.is_not(None), c.claimed_by == token, c.claimed_at >= cutoff)


def claimable(t: TableClause, now: Any, cutoff: Any) -> ColumnElement[bool]:
    c: Any = t.c
    return and_(
        c.status == "pending",
        or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now),
        or_(c.claimed_by.is_(None), c.claimed_at < cutoff),
    )


def _claim_values(token: str, now: Any) -> dict[str, Any]:
    return {"claimed_by": token, "claimed_at": now}


def to_claimed(row: Any) -> ClaimedEvent:
    envelope = Envelope(
        id=row.id,
        event_type=row.event_type,
        schema_version=row.schema_version,
        tenant_id=row.tenant_id,
        occurred_at=row.occurred_at,
        payload=row.payload,
        actor_id=row.actor_id,
        correlation_id=row.correlation_id,
        causation_id=row.causation_id,
        traceparent=row.traceparent,
        aggregate_id=row.aggregate_id,
    )
    return ClaimedEvent(envelope, row.attempts, row.replays)


# A claimer builds its statement once: bound values for the clock, the lease's cutoff and the
# limit (building it and its cache key on every claim cost more than running it).
_NOW = bindparam("now", type_=EVENTS.c.claimed_at.type)
_CUTOFF = bindparam("cutoff", type_=EVENTS.c.claimed_at.type)
_LIMIT = bindparam("limit", type_=Integer())
# What ``to_claimed`` reads: not the bookkeeping columns, each of them a conversion per row.
_HANDED_OVER = [
    EVENTS.c[name]
    for name in (
        "id", "event_type", "schema_version", "tenant_id", "occurred_at", "payload",
        "actor_id", "correlation_id", "causation_id", "traceparent", "aggregate_id",
        "attempts", "replays",
    )
]  # fmt: skip


class _BaseClaimer:
    def __init__(self, db: Database, token: str, *, lease_seconds: float) -> None:
        self.db = db
        self.token = token
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.drained = False

    def _params(self, limit: int) -> dict[str, Any]:
        now = utcnow()
        return {"now": now, "cutoff": now - self.lease, "limit": limit}

    async def has_work(self) -> bool:
        """A cheap read (no write lock) telling whether a claim could find anything."""
        now = utcnow()
        query = select(EVENTS.c.id).where(claimable(EVENTS, now, now - self.lease)).limit(1)
        async with self.db.engine.connect() as conn:
            return (await conn.execute(query)).first() is not None


class SqliteClaimer(_BaseClaimer):
    def __init__(self, db: Database, token: str, *, lease_seconds: float) -> None:
        super().__init__(db, token, lease_seconds=lease_seconds)
        self._statement = (
            update(EVENTS)
            .where(EVENTS.c.id.in_(self.claimable_ids(_NOW, _LIMIT, _CUTOFF)))
            .values(_claim_values(self.token, _NOW))
            .returning(*_HANDED_OVER)
        )

    async def claim(self, limit: int, first: Sequence[Any] = ()) -> list[ClaimedEvent]:
        """Claim up to ``limit`` rows, after running the statements ``first`` in the same
        transaction; the ordering check comes before the LIMIT, so fewer rows than asked
        means none are left (:attr:`drained`)."""
        async with self.db.writer(), self.db.write_engine.begin() as conn:
            for statement in first:
                await conn.execute(statement)
            rows = (await conn.execute(self._statement, self._params(limit))).all()
        self.drained = len(rows) < limit
        return sorted((to_claimed(r) for r in rows), key=lambda c: c.envelope.id)

    def claimable_ids(self, now: Any, limit: Any, cutoff: Any = None) -> Any:
        """The ids a claim takes: the ordering check seeks ``(aggregate_id, status, id)``.
        ``now``, ``limit`` and ``cutoff`` (by default ``now`` less the lease) are values
        or bound parameters."""
        if cutoff is None:
            cutoff = now - self.lease
        candidate = EVENTS.alias("candidate")
        older = EVENTS.alias("older")
        blocked = exists().where(
            older.c.aggregate_id == candidate.c.aggregate_id,
            older.c.status == "pending",
            older.c.id < candidate.c.id,
            not_(claimable(older, now, cutoff)),
            not_(held_by(older, self.token, cutoff)),
        )
        return (
            select(candidate.c.id)
            .where(
                claimable(candidate, now, cutoff),
                or_(candidate.c.aggregate_id.is_(None), not_(blocked)),
            )
            .order_by(candidate.c.id)
            .limit(limit)
        )


class PostgresClaimer(_BaseClaimer):
    def __init__(self, db: Database, token: str, *, lease_seconds: float) -> None:
        super().__init__(db, token, lease_seconds=lease_seconds)
        self._statement = self.claim_statement(_NOW, _LIMIT, _CUTOFF)

    async def claim(self, limit: int) -> list[ClaimedEvent]:
        """Claim up to ``limit`` rows. The LIMIT comes first (the rows locked), then the
        ordering check drops some of them: the claim drained the outbox (:attr:`drained`)
        when it locked fewer rows than asked, which each returned row tells."""
        # Autocommit: the one statement is atomic (BEGIN and COMMIT were two round trips).
        async with self.db.write_engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            rows = (await conn.execute(self._statement, self._params(limit))).all()
        self.drained = not rows or rows[0].locked < limit
        return sorted((to_claimed(r) for r in rows), key=lambda c: c.envelope.id)

    def claim_statement(self, now: Any, limit: Any, cutoff: Any = None) -> Any:
        """One statement: lock up to ``limit`` claimable rows (``FOR UPDATE SKIP LOCKED``:
        concurrent relays skip each other's rows instead of waiting), keep those whose
        aggregate has no older pending row that we neither locked nor hold (it is claimed by
        a live relay, backing off, or locked by a concurrent claim: the younger one waits),
        and claim them. Values or bound parameters, as for ``SqliteClaimer.claimable_ids``."""
        if cutoff is None:
            cutoff = now - self.lease
        locked = (
            select(EVENTS.c.id, EVENTS.c.aggregate_id)
            .where(claimable(EVENTS, now, cutoff))
            .order_by(EVENTS.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("locked")
        )
        older = EVENTS.alias("older")
        blocked = exists().where(
            older.c.aggregate_id == locked.c.aggregate_id,
            older.c.status == "pending",
            older.c.id < locked.c.id,
            older.c.id.not_in(select(locked.c.id).scalar_subquery()),
            not_(held_by(older, self.token, cutoff)),
        )
        chosen = select(locked.c.id).where(or_(locked.c.aggregate_id.is_(None), not_(blocked)))
        how_many = select(func.count()).select_from(locked).scalar_subquery()
        return (
            update(EVENTS)
            .where(EVENTS.c.id.in_(chosen))
            .values(_claim_values(self.token, now))
            .returning(*_HANDED_OVER, how_many.label("locked"))
        )


def make_claimer(
    db: Database, token: str, *, lease_seconds: float
) -> SqliteClaimer | PostgresClaimer:
    cls = SqliteClaimer if db.is_sqlite else PostgresClaimer
    return cls(db, token, lease_seconds=lease_seconds)
