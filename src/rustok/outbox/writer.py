"""Writes staged envelopes into ``sys_events`` inside the unit of work's transaction.

On PostgreSQL it also queues ``NOTIFY rustok_outbox``, which the server delivers to every
listening relay when (and only if) the transaction commits (``notify.py``): in the INSERT
itself (``RETURNING pg_notify(…)``; notifications alike in one transaction are delivered
once), not as a statement of its own. The INSERT is often the last statement before the
commit of a transaction that holds a contended lock (checkout: the tenant's order counter),
and each round trip there is one more wait for every transaction queued on that lock.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.events import Envelope
from rustok.outbox.models import OutboxEvent
from rustok.outbox.notify import CHANNEL

# Built once: they run in every unit of work.
_INSERT_EVENTS = insert(OutboxEvent)
_INSERT_EVENTS_AND_NOTIFY = insert(OutboxEvent).returning(func.pg_notify(CHANNEL, ""))


class OutboxWriter:
    """The :class:`rustok.core.uow.EventSink` of the platform: one multi-row INSERT."""

    async def write(self, session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
        rows = [
            {
                "id": e.id,
                "tenant_id": e.tenant_id,
                "event_type": e.event_type,
                "schema_version": e.schema_version,
                "payload": e.payload,
                "actor_id": e.actor_id,
                "correlation_id": e.correlation_id,
                "causation_id": e.causation_id,
                "aggregate_id": e.aggregate_id,
                "traceparent": e.traceparent,
                "occurred_at": e.occurred_at,
                "status": "pending",
                "attempts": 0,
                "created_at": e.occurred_at,
            }
            for e in envelopes
        ]
        if session.get_bind().dialect.name == "postgresql":
            await session.execute(_INSERT_EVENTS_AND_NOTIFY, rows)
        else:
            await session.execute(_INSERT_EVENTS, rows)
