"""Writes staged envelopes into ``sys_events`` inside the unit of work's transaction.

On PostgreSQL it also queues ``NOTIFY rustok_outbox``, which the server delivers to every
listening relay when (and only if) the transaction commits (``notify.py``): in the INSERT
itself (``RETURNING pg_notify(…)``; notifications alike in one transaction are delivered
once), not as a statement of its own. The INSERT is often the last statement before the
commit of a transaction that holds a contended lock (checkout: the tenant's order counter),
and each round trip there is one more wait for every transaction queued on that lock. The
payload is the writer's origin: the relay its platform's commits wake directly ignores it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.events import Envelope
from rustok.outbox.models import OutboxEvent
from rustok.outbox.notify import CHANNEL, new_origin

# Built once: they run in every unit of work.
_INSERT_EVENTS = insert(OutboxEvent)


class OutboxWriter:
    """The :class:`rustok.core.uow.EventSink` of the platform: one multi-row INSERT."""

    def __init__(self, origin: str | None = None) -> None:
        self.origin = origin or new_origin()
        self._insert_and_notify = insert(OutboxEvent).returning(
            func.pg_notify(CHANNEL, self.origin)
        )

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
            await session.execute(self._insert_and_notify, rows)
        else:
            await session.execute(_INSERT_EVENTS, rows)
