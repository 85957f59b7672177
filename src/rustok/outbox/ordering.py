"""Is an event's aggregate ready for it? The check behind a consumer's ``order_guard``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from rustok.outbox.models import DeadLetter, InboxRecord, OutboxEvent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from rustok.core.consumer import ConsumerSpec
    from rustok.core.events import Envelope

# Elders raised longer ago than this (before the consumer existed, say) never hold one back.
ORDER_WINDOW = dt.timedelta(minutes=10)
# Only the nearest elders are looked at: each of them was checked against its own elders.
ORDER_ELDERS = 20


async def elders_unhandled(session: AsyncSession, envelope: Envelope, spec: ConsumerSpec) -> bool:
    """True if an older event of the same aggregate, of a type the consumer takes, is
    neither in its inbox nor in its dead letters (nor ``failed`` in the outbox)."""
    older, name = OutboxEvent, spec.name
    elders = (
        select(older.id)
        .where(
            older.aggregate_id == envelope.aggregate_id,
            older.id < envelope.id,
            older.event_type.in_(spec.type_names),
            older.status != "failed",
            older.created_at >= envelope.occurred_at - ORDER_WINDOW,
        )
        .order_by(older.id.desc())
        .limit(ORDER_ELDERS)
        .subquery()
    )
    # Per-row primary-key lookups: an anti-join was planned as a scan of every inbox row
    # the consumer ever wrote.
    handled = (
        select(func.count())
        .where(InboxRecord.consumer == name, InboxRecord.event_id == elders.c.id)
        .scalar_subquery()
    )
    parked = (
        select(func.count())
        .where(DeadLetter.consumer == name, DeadLetter.event_id == elders.c.id)
        .scalar_subquery()
    )
    query = select(select(elders.c.id).where(handled == 0, parked == 0).exists())
    return bool(await session.scalar(query))
