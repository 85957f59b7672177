"""Batches, for consumers declared with ``batch=True`` (without the broker's order check).

A lane that finds several events of one tenant waiting handles up to ``BATCH_LIMIT`` of them
in one unit of work — one multi-row inbox insert (``ON CONFLICT DO NOTHING RETURNING`` tells
the new ones from the duplicates), the handlers in order, one commit. If any handler fails
the whole batch rolls back and its events go through the one-by-one path
(``single_delivery.py``: retries, parking), so a batch changes the cost, never the outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry.trace import SpanKind

from rustok.core.context import use_context
from rustok.core.db import utcnow
from rustok.core.logging import get_logger
from rustok.core.tracing import batch_span, event_context
from rustok.core.tracing import span as tracing_span
from rustok.outbox.metrics import CONSUMER_LAG, EVENTS_DISPATCHED
from rustok.outbox.models import InboxRecord
from rustok.outbox.single_delivery import Result, SingleDelivery, consumer_context

if TYPE_CHECKING:
    from rustok.core.events import Envelope
    from rustok.outbox.dispatcher import DispatchTicket

log = get_logger("rustok.events")
BATCH_LIMIT = 64
INBOX: Any = InboxRecord.__table__


class BatchDelivery(SingleDelivery):
    """Delivers the events queued behind one another in a lane together, a tenant at a time."""

    async def _batch(
        self,
        queue: asyncio.Queue[tuple[Envelope, DispatchTicket]],
        first: tuple[Envelope, DispatchTicket],
    ) -> None:
        """Handle ``first`` and the events already queued behind it, a tenant at a time."""
        taken = [first]
        while len(taken) < BATCH_LIMIT and not queue.empty():
            taken.append(queue.get_nowait())
        groups: list[list[tuple[Envelope, DispatchTicket]]] = []
        for item in taken:  # consecutive events of one tenant share a unit of work
            if groups and groups[-1][0][0].tenant_id == item[0].tenant_id:
                groups[-1].append(item)
            else:
                groups.append([item])
        for group in groups:
            await self._handle_group(group)

    async def _handle_group(self, group: list[tuple[Envelope, DispatchTicket]]) -> None:
        recorded = False
        try:
            envelopes = [envelope for envelope, _ in group]
            # Tracing: one consumer span for the batch's commit, linked to each event's trace.
            with batch_span(f"consumer.batch {self.name}", [e.traceparent for e in envelopes],
                            SpanKind.CONSUMER, events=len(envelopes)):  # fmt: skip
                recorded = await self._handle_batch(envelopes)
        except Exception as exc:  # noqa: BLE001 - fall back to one by one (retries, parking)
            log.info("batch fell back to single events", consumer=self.name, error=str(exc))
        for envelope, ticket in group:
            result = Result.RECORDED if recorded else Result.UNRECORDED
            try:
                if not recorded:
                    result = await self.attempt(envelope)
            finally:
                ticket.finish(result is Result.RECORDED)

    async def _handle_batch(self, envelopes: list[Envelope]) -> bool:
        payloads = [envelope.decode_payload() for envelope in envelopes]
        tenant = await self._tenant(envelopes[0])
        with use_context(consumer_context(envelopes[0], tenant)):
            async with self._uow() as uow:
                now = utcnow()
                rows = [
                    {"consumer": self.name, "event_id": e.id, "handled_at": now} for e in envelopes
                ]
                record_new = (
                    _insert_ignoring_duplicates(self._db.dialect)(INBOX)
                    .values(rows)
                    .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
                    .returning(INBOX.c.event_id)
                )
                new = set(await uow.session.scalars(record_new))
                for envelope, payload in zip(envelopes, payloads, strict=True):
                    if envelope.id not in new:
                        continue  # handled before: its effects are committed
                    token = otel_context.attach(event_context(envelope.traceparent))
                    try:
                        with (
                            tracing_span(
                                f"consumer.handle {self.name}",
                                SpanKind.CONSUMER,
                                event_type=envelope.event_type,
                                event_id=str(envelope.id),
                            ),
                            use_context(consumer_context(envelope, tenant)),
                        ):
                            await self.spec.handler(payload, envelope, uow)
                    finally:
                        otel_context.detach(token)
                if not uow.committed:
                    await uow.commit()
        now = utcnow()
        for envelope in envelopes:
            if envelope.id in new:
                EVENTS_DISPATCHED.labels(envelope.event_type, self.name).inc()
                CONSUMER_LAG.labels(self.name).observe(
                    max(0.0, (now - envelope.occurred_at).total_seconds())
                )
        return True


def _insert_ignoring_duplicates(dialect: str) -> Callable[..., Any]:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert
