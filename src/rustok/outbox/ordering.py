"""A consumer's ``order_guard``, behind a broker: is an event's aggregate ready for it, and
where its event waits until it is.

Lanes are not enough behind a broker: after a crash, the broker redelivers unacknowledged
messages only after ``ack_wait``, while newer ones flow at once, and several processes share
one durable consumer. So before handling an event of an aggregate the runner checks that the
older events of that aggregate are in its inbox or dead letters (:func:`elders_unhandled`).
If not, the event waits in the runner's :class:`WaitingRoom`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, union_all

from rustok.outbox.models import DeadLetter, InboxRecord, OutboxEvent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from rustok.core.consumer import ConsumerSpec
    from rustok.core.events import Envelope
    from rustok.outbox.dispatcher import DispatchTicket

# Elders raised longer ago than this (before the consumer existed, say) never hold one back.
ORDER_WINDOW = dt.timedelta(minutes=10)
# Only the nearest elders are looked at: each of them was checked against its own elders.
ORDER_ELDERS = 20


async def elders_unhandled(session: AsyncSession, envelope: Envelope, spec: ConsumerSpec) -> bool:
    """True if an older event of the same aggregate, of a type the consumer takes, is
    neither in its inbox nor in its dead letters (nor ``failed`` in the outbox)."""
    elders = _of_types(select(OutboxEvent.id), spec, envelope).where(
        OutboxEvent.aggregate_id == envelope.aggregate_id, OutboxEvent.id < envelope.id
    )
    nearest = elders.order_by(OutboxEvent.id.desc()).limit(ORDER_ELDERS).subquery()
    query = select(select(nearest.c.id).where(*_unrecorded(nearest.c.id, spec)).exists())
    return bool(await session.scalar(query))


async def batch_elders_unhandled(
    session: AsyncSession, envelopes: Sequence[Envelope], spec: ConsumerSpec
) -> set[uuid.UUID]:
    """The events of a batch (in handling order, each aggregate's in id order) that must
    wait: an elder of their aggregate is unhandled and not handled before them in the batch.

    One statement for the batch, two parts per aggregate: the nearest elders of its first
    event in the batch (each of them was checked against its own elders), and every event
    between its first and last in the batch (one missing from the batch holds back the
    younger ones). Its text depends only on the number of aggregates, so the database
    prepares it once per number."""
    by_aggregate: dict[uuid.UUID, list[Envelope]] = {}
    for envelope in envelopes:
        if envelope.aggregate_id is not None:
            by_aggregate.setdefault(envelope.aggregate_id, []).append(envelope)
    if not by_aggregate:
        return set()
    parts: list[Any] = []
    for aggregate, events in by_aggregate.items():
        first, last = events[0], events[-1]
        columns = select(OutboxEvent.aggregate_id, OutboxEvent.id)
        nearest = (
            _of_types(columns, spec, first)
            .where(OutboxEvent.aggregate_id == aggregate, OutboxEvent.id < first.id)
            .order_by(OutboxEvent.id.desc())
            .limit(ORDER_ELDERS)
            .subquery()
        )
        parts.append(select(nearest).where(*_unrecorded(nearest.c.id, spec)))
        between = _of_types(columns, spec, first).where(
            OutboxEvent.aggregate_id == aggregate,
            OutboxEvent.id > first.id,
            OutboxEvent.id < last.id,
            *_unrecorded(OutboxEvent.id, spec),
        )
        parts.append(between)
    unhandled: dict[uuid.UUID, set[uuid.UUID]] = {}
    for aggregate, event_id in (await session.execute(union_all(*parts))).tuples():
        unhandled.setdefault(aggregate, set()).add(event_id)
    in_batch = {envelope.id for envelope in envelopes}
    waiting: set[uuid.UUID] = set()
    for aggregate, events in by_aggregate.items():
        missing = sorted(unhandled.get(aggregate, set()) - in_batch)
        for envelope in events:  # the ones before it in the batch are handled before it
            if missing and missing[0] < envelope.id:
                waiting.add(envelope.id)
    return waiting


def _of_types(query: Any, spec: ConsumerSpec, envelope: Envelope) -> Any:
    older = OutboxEvent
    return query.where(
        older.event_type.in_(spec.type_names),
        older.status != "failed",
        older.created_at >= envelope.occurred_at - ORDER_WINDOW,
    )


def _unrecorded(event_id: Any, spec: ConsumerSpec) -> tuple[Any, Any]:
    """Neither in the consumer's inbox nor in its dead letters. Per-row primary-key lookups:
    an anti-join was planned as a scan of every inbox row the consumer ever wrote."""
    handled = (
        select(func.count())
        .where(InboxRecord.consumer == spec.name, InboxRecord.event_id == event_id)
        .scalar_subquery()
    )
    parked = (
        select(func.count())
        .where(DeadLetter.consumer == spec.name, DeadLetter.event_id == event_id)
        .scalar_subquery()
    )
    return handled == 0, parked == 0


class WaitingRoom:
    """Events held back because an elder of their aggregate is not handled yet.

    An event waits beside its lane until this runner handles an elder of the same aggregate
    (:meth:`release` gives it back to be queued again at once) or ``order_wait`` passes (then
    it goes back to the broker unrecorded, for a later delivery: the elder may be elsewhere).
    """

    def __init__(self, order_wait: float) -> None:
        self.order_wait = order_wait
        self._waiting: dict[uuid.UUID, list[tuple[float, Envelope, DispatchTicket]]] = {}

    def hold(self, envelope: Envelope, ticket: DispatchTicket) -> None:
        entry = (time.monotonic() + self.order_wait, envelope, ticket)
        self._waiting.setdefault(envelope.aggregate_id or envelope.id, []).append(entry)

    def release(self, aggregate: uuid.UUID | None) -> list[tuple[Envelope, DispatchTicket]]:
        """The events waiting for an elder of ``aggregate`` (one was just handled), in id
        order."""
        if aggregate is None or aggregate not in self._waiting:
            return []
        return [
            (junior, ticket)
            for _, junior, ticket in sorted(self._waiting.pop(aggregate), key=lambda e: e[1].id)
        ]

    async def expire(self) -> None:
        """Forever: hand the events that waited ``order_wait`` back to the broker."""
        while True:
            await asyncio.sleep(0.1)
            now = time.monotonic()
            for aggregate in list(self._waiting):
                entries = self._waiting[aggregate]
                keep = [e for e in entries if e[0] > now]
                for _, _, ticket in (e for e in entries if e[0] <= now):
                    ticket.finish(False)  # back to the broker: the elder is elsewhere
                if keep:
                    self._waiting[aggregate] = keep
                else:
                    del self._waiting[aggregate]

    def give_back(self) -> None:
        """Hand every waiting event back to the broker, unrecorded (the runner stops)."""
        waiting, self._waiting = self._waiting, {}
        for entries in waiting.values():
            for _, _, ticket in entries:
                ticket.finish(False)
