"""Claiming due deliveries for one sender: never the same row to two live senders, never
more than ``concurrency`` in flight per endpoint across all of them.

A delivery is claimable when it is ``pending``, due, unclaimed (or its claim is older than
the lease: its sender died) and its endpoint is active (pings go to inactive ones too).
Per endpoint, the rows already claimed under a live lease count against its concurrency,
and its oldest due rows are taken as far as its slots allow. So a slow or
dead endpoint holds at most ``concurrency`` rows; everyone else's rows stay claimable.

- PostgreSQL: per endpoint, its row is locked ``FOR NO KEY UPDATE SKIP LOCKED`` (concurrent
  senders count its slots one after the other, or skip it this round), then its oldest due
  rows are locked ``SKIP LOCKED`` and claimed by an ``UPDATE … RETURNING``.
- SQLite: the same statements under the database's single writer lock.

A sender that finishes an attempt hands its slot to the endpoint's next due delivery in the
transaction that records the attempt (:meth:`DeliveryClaimer.take_next`, an indexed
lookup), so a busy endpoint's deliveries flow without a claim round-trip each.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from rustok.core.db import Database
from rustok.modules.webhooks.events import WebhookPing
from rustok.modules.webhooks.models import WebhookDelivery, WebhookEndpoint

DELIVERIES: Any = WebhookDelivery.__table__
ENDPOINTS: Any = WebhookEndpoint.__table__


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A delivery in a sender's hands, with what sending it needs from its endpoint."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    body: str
    attempts: int  # attempts of this round so far
    url: str
    headers: dict[str, str]
    secrets: tuple[str, ...]  # the current secret, and the previous one during its overlap
    failing_since: dt.datetime | None


def claimable(now: dt.datetime, cutoff: dt.datetime) -> ColumnElement[bool]:
    d = DELIVERIES.c
    return and_(
        d.status == "pending",
        d.next_attempt_at <= now,
        or_(d.claimed_by.is_(None), d.claimed_at < cutoff),
    )


class DeliveryClaimer:
    def __init__(self, db: Database, token: str, *, lease_seconds: float, concurrency: int) -> None:
        self.db = db
        self.token = token
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.concurrency = concurrency
        # The last claim skipped an endpoint another sender was counting (PostgreSQL).
        self.contended = False

    def _open_slots(self, now: dt.datetime, excluded: Sequence[uuid.UUID]) -> Any:
        """Endpoints with due, unclaimed deliveries, and how many of theirs are in flight.

        Walks the endpoints (an index probe each), not the due rows: a backlog of thousands
        for one endpoint costs nothing here."""
        d, e = DELIVERIES.c, ENDPOINTS.c
        cutoff = now - self.lease
        due = exists().where(
            d.endpoint_id == e.id,
            claimable(now, cutoff),
            or_(e.active, d.event_type == WebhookPing.event_type),
        )
        busy = (
            select(func.count())
            .where(
                d.endpoint_id == e.id,
                d.claimed_by.is_not(None),
                d.status == "pending",
                d.claimed_at >= cutoff,
            )
            .scalar_subquery()
        )
        # Full endpoints are left out (a slot freed since is taken by the next claim; on
        # PostgreSQL the slots of the others are counted again under their lock).
        query = select(e.id, busy.label("busy")).where(due, busy < self.concurrency).order_by(e.id)
        return query.where(e.id.not_in(list(excluded))) if excluded else query

    async def claim(
        self, now: dt.datetime, limit: int, excluded: Sequence[uuid.UUID] = ()
    ) -> list[ClaimedDelivery]:
        """Claim up to ``limit`` due deliveries (none of the ``excluded`` endpoints)."""
        if limit <= 0:
            return []
        self.contended = False
        async with self.db.writer(), self.db.write_engine.begin() as conn:
            claimed: list[ClaimedDelivery] = []
            for endpoint_id, busy in (await conn.execute(self._open_slots(now, excluded))).all():
                if not self.db.is_sqlite:
                    # Senders count an endpoint's slots one at a time (a busy one is skipped
                    # this round); SQLite's single writer already does that.
                    busy = await self._lock_and_count(conn, endpoint_id, now)
                    if busy is None:
                        self.contended = True
                        continue
                free = min(self.concurrency - busy, limit - len(claimed))
                if free > 0:
                    claimed += await self.take_next(conn, endpoint_id, now, free)
            return claimed

    async def _lock_and_count(
        self, conn: AsyncConnection, endpoint_id: uuid.UUID, now: dt.datetime
    ) -> int | None:
        d, e = DELIVERIES.c, ENDPOINTS.c
        locked = await conn.execute(
            # NO KEY UPDATE: does not wait for (or stop) the inserts of new deliveries,
            # whose foreign key takes KEY SHARE on this row.
            select(e.id)
            .where(e.id == endpoint_id)
            .with_for_update(skip_locked=True, key_share=True)
        )
        if locked.first() is None:
            return None
        busy = await conn.scalar(
            select(func.count()).where(
                d.endpoint_id == endpoint_id,
                d.claimed_by.is_not(None),
                d.status == "pending",
                d.claimed_at >= now - self.lease,
            )
        )
        return int(busy or 0)

    async def take_next(
        self, conn: AsyncConnection, endpoint_id: uuid.UUID, now: dt.datetime, limit: int
    ) -> list[ClaimedDelivery]:
        """Claim the endpoint's ``limit`` oldest due deliveries in the caller's transaction."""
        d, e = DELIVERIES.c, ENDPOINTS.c
        active = exists().where(e.id == endpoint_id, e.active)
        candidate = (
            select(d.id)
            .where(
                d.endpoint_id == endpoint_id,
                claimable(now, now - self.lease),
                or_(active, d.event_type == WebhookPing.event_type),
            )
            .order_by(d.next_attempt_at, d.id)
            .limit(limit)
        )
        if not self.db.is_sqlite:
            candidate = candidate.with_for_update(skip_locked=True)

        def of_endpoint(column: Any) -> Any:
            return select(column).where(e.id == endpoint_id).scalar_subquery().label(column.name)

        # The endpoint's columns come back with the rows (one statement, not two).
        returned = (d.id, d.tenant_id, d.endpoint_id, d.event_id, d.event_type, d.body, d.attempts)
        rows = (
            await conn.execute(
                update(DELIVERIES)
                .where(d.id.in_(candidate))
                .values(claimed_by=self.token, claimed_at=now)
                .returning(*returned, *map(of_endpoint, _SENDING))
            )
        ).all()
        return sorted((_claimed(row, now) for row in rows), key=lambda c: c.id)


# What sending needs from the endpoint.
_SENDING = (
    ENDPOINTS.c.url, ENDPOINTS.c.headers, ENDPOINTS.c.secret, ENDPOINTS.c.previous_secret,
    ENDPOINTS.c.previous_secret_expires_at, ENDPOINTS.c.failing_since,
)  # fmt: skip


def _claimed(row: Any, now: dt.datetime) -> ClaimedDelivery:
    secrets: tuple[str, ...] = (row.secret,)
    expires = row.previous_secret_expires_at
    if row.previous_secret and expires is not None and expires > now:
        secrets = (row.secret, row.previous_secret)
    return ClaimedDelivery(
        id=row.id, tenant_id=row.tenant_id, endpoint_id=row.endpoint_id, event_id=row.event_id,
        event_type=row.event_type, body=row.body, attempts=row.attempts, url=row.url,
        headers=dict(row.headers), secrets=secrets, failing_since=row.failing_since,
    )  # fmt: skip
