"""Batches, for consumers declared with ``batch=True`` (the default).

A lane that finds several events waiting handles up to ``BATCH_LIMITS`` of them a tenant at a
time, in one unit of work per tenant: behind a broker (``order_guard``) one query for the
whole batch tells which events must wait for an elder (``ordering.py``), one multi-row
inbox insert (``ON CONFLICT DO NOTHING RETURNING`` tells the new ones from the duplicates),
the handlers in order, one commit. The events the consumer's filter has nothing to do for
are left out of it: nothing records them (memory transport), or one statement of their own
does (behind a broker: ``SingleDelivery.record_unwanted``).

A batch changes the cost, never the outcome. When a handler fails, the transaction rolls
back, that event and the younger events of its aggregate in the batch leave it, and the
rest is handled again as a batch and committed; the events that left are then handled one
by one, in order (``single_delivery.py``: retries, then parking). A failure that no event
can be blamed for (the database went away) sends the whole batch down the one-by-one path.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry.trace import SpanKind

from rustok.core.context import use_context
from rustok.core.db import utcnow
from rustok.core.events import EventPayload, EventValidationError
from rustok.core.logging import get_logger
from rustok.core.tracing import batch_span, event_context
from rustok.core.tracing import span as tracing_span
from rustok.outbox.inbox import record_new
from rustok.outbox.metrics import CONSUMER_LAG, EVENTS_DISPATCHED
from rustok.outbox.ordering import WaitingRoom, batch_elders_unhandled
from rustok.outbox.single_delivery import Result, SingleDelivery, consumer_context

if TYPE_CHECKING:
    from rustok.core.events import Envelope
    from rustok.outbox.dispatcher import DispatchTicket

log = get_logger("rustok.events")
# Events per batch transaction. SQLite holds its single writer lock for the whole batch, so
# its batches stay short; on PostgreSQL a batch costs four round trips whatever its size
# (ping, BEGIN, the inbox insert, COMMIT), and a relay claim is up to 500 rows.
BATCH_LIMITS = {"sqlite": 64, "postgresql": 256}
Item = tuple["Envelope", "DispatchTicket"]
Lane = asyncio.Queue[Item]


class EventFailed(Exception):
    """The event at ``index`` of a batch could not be handled (its payload or handler)."""

    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.index = index


@dataclass(slots=True)
class BatchOutcome:
    handled: set[uuid.UUID] = field(default_factory=set)  # new in the inbox, effects committed
    waiting: set[uuid.UUID] = field(default_factory=set)  # an elder is not handled yet


class BatchDelivery(SingleDelivery):
    """Delivers the events queued behind one another in a lane together, a tenant at a time."""

    _waiting: WaitingRoom

    async def _batch(self, queue: Lane, first: Item) -> None:
        """Handle ``first`` and the events already queued behind it, a tenant at a time."""
        taken, again = [first], []
        ids = {first[0].id}
        # Behind a broker the order guard's statement grows with the batch's aggregates.
        limit = BATCH_LIMITS["sqlite" if self.order_guard else self._db.dialect]
        while len(taken) < limit and not queue.empty():
            item = queue.get_nowait()
            if item[0].id in ids:  # a broker's redelivery of one in hand: after this batch
                again.append(item)
            else:
                ids.add(item[0].id)
                taken.append(item)
        unsettled = {envelope.id: (envelope, ticket) for envelope, ticket in taken}
        groups: dict[uuid.UUID, list[Item]] = {}
        for item in taken:  # different tenants never share an aggregate, nor a transaction
            groups.setdefault(item[0].tenant_id, []).append(item)
        try:
            for group in groups.values():
                if self.order_guard:
                    # A broker may redeliver an elder after its juniors: id order is the order.
                    group.sort(key=lambda item: item[0].id)
                await self._deliver_group(queue, group, unsettled)
        finally:  # stopped (cancelled) half way: the rest goes back unrecorded
            for envelope, ticket in unsettled.values():
                self._settle(queue, envelope, ticket, Result.UNRECORDED)
            for item in again:
                queue.put_nowait(item)

    async def _deliver_group(
        self, queue: Lane, group: list[Item], unsettled: dict[uuid.UUID, Item]
    ) -> None:
        unwanted = await self.unwanted(group)
        if unwanted:
            skipped = [item for item in group if item[0].id in unwanted]
            # Nothing to do. Recorded behind a broker only: no other order guard reads this
            # inbox. A transaction of their own: the guard's query, BEGIN and COMMIT were
            # three more round trips for events that run nothing.
            result = Result.RECORDED
            if self.order_guard:
                result = await self.record_unwanted([envelope for envelope, _ in skipped])
            for envelope, ticket in skipped:
                del unsettled[envelope.id]
                self._settle(queue, envelope, ticket, result)
            group = [item for item in group if item[0].id not in unwanted]
        batch = list(group)
        alone: set[uuid.UUID] = set()
        outcome = BatchOutcome()
        while batch:
            try:
                envelopes = [envelope for envelope, _ in batch]
                # Tracing: one consumer span for the batch's commit, linked to each event's trace.
                with batch_span(f"consumer.batch {self.name}", [e.traceparent for e in envelopes],
                                SpanKind.CONSUMER, events=len(envelopes)):  # fmt: skip
                    outcome = await self._handle_batch(envelopes)
                break
            except EventFailed as failed:
                leaving = _leaving(batch, failed.index)
                log.info("event failed in a batch: handled alone", consumer=self.name,
                         event_id=str(batch[failed.index][0].id), error=str(failed),
                         leaving=len(leaving))  # fmt: skip
                alone |= leaving
                batch = [item for item in batch if item[0].id not in leaving]
            except Exception as exc:  # noqa: BLE001 - nothing to blame: all go one by one
                log.info("batch fell back to single events", consumer=self.name, error=str(exc))
                alone |= {envelope.id for envelope, _ in batch}
                batch = []
        for envelope, ticket in batch:
            result = Result.WAITING if envelope.id in outcome.waiting else Result.RECORDED
            del unsettled[envelope.id]
            self._settle(queue, envelope, ticket, result)
        for envelope, ticket in (item for item in group if item[0].id in alone):
            result = Result.UNRECORDED
            try:
                result = await self.attempt(envelope)
            finally:
                del unsettled[envelope.id]
                self._settle(queue, envelope, ticket, result)

    def _settle(
        self, queue: Lane, envelope: Envelope, ticket: DispatchTicket, result: Result
    ) -> None:
        """Finish the event's ticket, or hold it back until an elder is handled."""
        if result is Result.WAITING:
            self._waiting.hold(envelope, ticket)
            return
        ticket.finish(result is Result.RECORDED)
        if result is Result.RECORDED:
            # An elder is done: its juniors get their turn now, in id order.
            for junior in self._waiting.release(envelope.aggregate_id):
                queue.put_nowait(junior)

    async def _handle_batch(self, envelopes: Sequence[Envelope]) -> BatchOutcome:
        """Handle the events of one tenant (in this order) in one transaction; raises
        :class:`EventFailed` (nothing committed) when one of them cannot be handled."""
        payloads: list[EventPayload] = []
        for index, envelope in enumerate(envelopes):
            try:
                payloads.append(envelope.decode_payload())
            except EventValidationError as exc:
                raise EventFailed(index, exc) from exc
        tenant = await self._tenant(envelopes[0])
        outcome = BatchOutcome()
        with use_context(consumer_context(envelopes[0], tenant)):
            async with self._uow() as uow:
                if self.order_guard:
                    waiting = await batch_elders_unhandled(
                        uow.session, envelopes, self.spec, self._checked
                    )
                    outcome.waiting = _with_juniors(envelopes, waiting)
                ready = [
                    (index, envelope, payload)
                    for index, (envelope, payload) in enumerate(
                        zip(envelopes, payloads, strict=True)
                    )
                    if envelope.id not in outcome.waiting
                ]
                if ready:
                    outcome.handled = await record_new(
                        uow.session, self._db.dialect, self.name,
                        [envelope.id for _, envelope, _ in ready], utcnow(),
                    )  # fmt: skip
                for index, envelope, payload in ready:
                    if envelope.id not in outcome.handled:
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
                    except Exception as exc:  # rolled back, then handled alone
                        raise EventFailed(index, exc) from exc
                    finally:
                        otel_context.detach(token)
                if not uow.committed:
                    await uow.commit()
        if self.order_guard:
            self._checked.note([e for e in envelopes if e.id not in outcome.waiting])
        _count_handled(self.name, envelopes, outcome.handled)
        return outcome


def _count_handled(consumer: str, envelopes: Sequence[Envelope], handled: set[uuid.UUID]) -> None:
    now = utcnow()
    lag = CONSUMER_LAG.labels(consumer)
    by_type: Counter[str] = Counter()
    for envelope in envelopes:
        if envelope.id in handled:
            by_type[envelope.event_type] += 1
            lag.observe(max(0.0, (now - envelope.occurred_at).total_seconds()))
    for event_type, count in by_type.items():  # one labels() lookup per type
        EVENTS_DISPATCHED.labels(event_type, consumer).inc(count)


def _leaving(batch: Sequence[Item], index: int) -> set[uuid.UUID]:
    """The failed event and the younger events of its aggregate after it in the batch:
    they must not be handled before it."""
    failed = batch[index][0]
    if failed.aggregate_id is None:
        return {failed.id}
    return {e.id for e, _ in batch[index:] if e.aggregate_id == failed.aggregate_id}


def _with_juniors(envelopes: Sequence[Envelope], waiting: set[uuid.UUID]) -> set[uuid.UUID]:
    """``waiting`` and every event after one of them in the batch of the same aggregate."""
    held: set[uuid.UUID] = set()
    result: set[uuid.UUID] = set()
    for envelope in envelopes:
        if envelope.id in waiting or (envelope.aggregate_id in held):
            result.add(envelope.id)
            if envelope.aggregate_id is not None:
                held.add(envelope.aggregate_id)
    return result
