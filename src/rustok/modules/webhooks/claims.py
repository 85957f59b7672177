"""Claiming due deliveries for one sender: never the same row to two live senders, never
more than ``concurrency`` in flight per endpoint across all of them.

A delivery is claimable when it is ``pending``, due, unclaimed (or its claim is older than
the lease: its sender died) and its endpoint is active (pings go to inactive ones too).
Per endpoint, the rows already claimed under a live lease count against its concurrency,
and the due rows are ranked oldest first: only the ranks that fit are taken. So a slow or
dead endpoint holds at most ``concurrency`` rows; everyone else's rows stay claimable.

- PostgreSQL: the ranked ids are locked ``FOR UPDATE SKIP LOCKED`` and claimed by an
  ``UPDATE … RETURNING`` in the same transaction: concurrent senders skip each other.
- SQLite: one ``UPDATE … WHERE id IN (ranked ids) RETURNING`` under the single writer lock.

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

    def _ranked_ids(self, now: dt.datetime, limit: int, excluded: Sequence[uuid.UUID]) -> Any:
        d, e = DELIVERIES.c, ENDPOINTS.c
        cutoff = now - self.lease
        busy = (
            select(d.endpoint_id, func.count().label("n"))
            .where(d.status == "pending", d.claimed_by.is_not(None), d.claimed_at >= cutoff)
            .group_by(d.endpoint_id)
            .subquery("busy")
        )
        conditions = [claimable(now, cutoff), or_(e.active, d.event_type == WebhookPing.event_type)]
        if excluded:
            conditions.append(d.endpoint_id.not_in(list(excluded)))
        ranked = (
            select(
                d.id,
                d.next_attempt_at,
                func.coalesce(busy.c.n, 0).label("busy"),
                func.row_number()
                .over(partition_by=d.endpoint_id, order_by=(d.next_attempt_at, d.id))
                .label("rank"),
            )
            .select_from(
                DELIVERIES.join(ENDPOINTS, e.id == d.endpoint_id).outerjoin(
                    busy, busy.c.endpoint_id == d.endpoint_id
                )
            )
            .where(*conditions)
            .subquery("ranked")
        )
        return (
            select(ranked.c.id)
            .where(ranked.c.rank <= self.concurrency - ranked.c.busy)
            .order_by(ranked.c.next_attempt_at, ranked.c.id)
            .limit(limit)
        )

    async def claim(
        self, now: dt.datetime, limit: int, excluded: Sequence[uuid.UUID] = ()
    ) -> list[ClaimedDelivery]:
        """Claim up to ``limit`` due deliveries (none of the ``excluded`` endpoints)."""
        if limit <= 0:
            return []
        ids = self._ranked_ids(now, limit, excluded)
        claim = update(DELIVERIES).values(claimed_by=self.token, claimed_at=now)
        if self.db.is_sqlite:
            async with self.db.writer(), self.db.write_engine.begin() as conn:
                rows = (await conn.execute(claim.where(DELIVERIES.c.id.in_(ids)).returning(
                    *DELIVERIES.c))).all()  # fmt: skip
                return await self._with_endpoints(conn, rows, now)
        async with self.db.write_engine.begin() as conn:
            locked = list(
                (
                    await conn.execute(
                        select(DELIVERIES.c.id)
                        .where(DELIVERIES.c.id.in_(ids))
                        .with_for_update(skip_locked=True)
                    )
                ).scalars()
            )
            if not locked:
                return []
            rows = (
                await conn.execute(
                    claim.where(DELIVERIES.c.id.in_(locked)).returning(*DELIVERIES.c)
                )
            ).all()
            return await self._with_endpoints(conn, rows, now)

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
        rows = (
            await conn.execute(
                update(DELIVERIES)
                .where(d.id.in_(candidate))
                .values(claimed_by=self.token, claimed_at=now)
                .returning(*DELIVERIES.c)
            )
        ).all()
        return await self._with_endpoints(conn, rows, now)

    async def _with_endpoints(
        self, conn: Any, rows: Sequence[Any], now: dt.datetime
    ) -> list[ClaimedDelivery]:
        if not rows:
            return []
        endpoint_ids = {row.endpoint_id for row in rows}
        endpoints = {
            e.id: e
            for e in (
                await conn.execute(select(ENDPOINTS).where(ENDPOINTS.c.id.in_(endpoint_ids)))
            ).all()
        }
        claimed = []
        for row in rows:
            endpoint = endpoints[row.endpoint_id]
            secrets: tuple[str, ...] = (endpoint.secret,)
            expires = endpoint.previous_secret_expires_at
            if endpoint.previous_secret and expires is not None and expires > now:
                secrets = (endpoint.secret, endpoint.previous_secret)
            claimed.append(
                ClaimedDelivery(
                    id=row.id, tenant_id=row.tenant_id, endpoint_id=row.endpoint_id,
                    event_id=row.event_id, event_type=row.event_type, body=row.body,
                    attempts=row.attempts, url=endpoint.url, headers=dict(endpoint.headers),
                    secrets=secrets, failing_since=endpoint.failing_since,
                )
            )  # fmt: skip
        return sorted(claimed, key=lambda c: c.id)
