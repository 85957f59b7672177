"""A consumer's ``order_guard``, behind a broker: is an event's aggregate ready for it, and
where its event waits until it is.

Lanes are not enough behind a broker: after a crash, the broker redelivers unacknowledged
messages only after ``ack_wait``, while newer ones flow at once, and several processes share
one durable consumer. So before handling an event of an aggregate the runner checks that the
older events of that aggregate are in its inbox or dead letters (:func:`elders_unhandled`).
If not, the event waits in the runner's :class:`WaitingRoom`. The check looks no further
back than the newest event of the aggregate the runner let through before
(:class:`CheckedElders`): that one's elders were all recorded then.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import TextualSelect, bindparam, func, select, text

from rustok.core.events import NIL_UUID
from rustok.outbox.models import OUTBOX_STATUSES, DeadLetter, InboxRecord, OutboxEvent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from rustok.core.consumer import ConsumerSpec
    from rustok.core.events import Envelope
    from rustok.outbox.dispatcher import DispatchTicket

# Elders raised longer ago than this (before the consumer existed, say) never hold one back.
ORDER_WINDOW = dt.timedelta(minutes=10)
# Only the nearest elders are looked at: each of them was checked against its own elders.
ORDER_ELDERS = 20
# Not ``failed``, spelled as the values: the seek of ``(aggregate_id, status, id)`` then
# ranges over ids instead of walking every event of the aggregate.
LIVE_STATUSES = tuple(status for status in OUTBOX_STATUSES if status != "failed")
_LIVE = ", ".join(f"'{status}'" for status in LIVE_STATUSES)
# Aggregates a runner remembers its newest checked event of (the least recent forgotten).
CHECKED_AGGREGATES = 10_000


class CheckedElders:
    """Per aggregate, the newest event this runner let through the order guard and recorded:
    all its elders were recorded then, so a later check looks only above it. At a steady
    rate that is nothing to look at, instead of the nearest elders and their inbox rows."""

    def __init__(self, size: int = CHECKED_AGGREGATES) -> None:
        self.size = size
        self._newest: OrderedDict[uuid.UUID, uuid.UUID] = OrderedDict()

    def note(self, envelopes: Sequence[Envelope]) -> None:
        """``envelopes`` passed the guard and are recorded (committed)."""
        newest = self._newest
        for envelope in envelopes:
            aggregate = envelope.aggregate_id
            if aggregate is None:
                continue
            known = newest.get(aggregate)
            if known is None or known < envelope.id:
                newest[aggregate] = envelope.id
            newest.move_to_end(aggregate)
        while len(newest) > self.size:
            newest.popitem(last=False)

    def floor(self, aggregate: uuid.UUID, below: uuid.UUID) -> uuid.UUID:
        """The id the check of an event ``below`` of ``aggregate`` looks above: the nil id
        (everything) for an event older than the newest let through (a replay, say)."""
        known = self._newest.get(aggregate)
        return known if known is not None and known < below else NIL_UUID


async def elders_unhandled(
    session: AsyncSession, envelope: Envelope, spec: ConsumerSpec, floor: uuid.UUID = NIL_UUID
) -> bool:
    """True if an older event of the same aggregate (above ``floor``), of a type the
    consumer takes, is neither in its inbox nor in its dead letters (nor ``failed``)."""
    return bool(await session.scalar(elders_query(envelope, spec, floor)))


def elders_query(envelope: Envelope, spec: ConsumerSpec, floor: uuid.UUID = NIL_UUID) -> Any:
    """Whether ``envelope`` has an unrecorded elder (:func:`elders_unhandled`)."""
    elders = _of_types(select(OutboxEvent.id), spec, envelope).where(
        OutboxEvent.aggregate_id == envelope.aggregate_id,
        OutboxEvent.id < envelope.id,
        OutboxEvent.id > floor,
    )
    nearest = elders.order_by(OutboxEvent.id.desc()).limit(ORDER_ELDERS).subquery()
    return select(select(nearest.c.id).where(*_unrecorded(nearest.c.id, spec)).exists())


async def batch_elders_unhandled(
    session: AsyncSession,
    envelopes: Sequence[Envelope],
    spec: ConsumerSpec,
    checked: CheckedElders | None = None,
) -> set[uuid.UUID]:
    """The events of a batch (in handling order, each aggregate's in id order) that must
    wait: an elder of their aggregate is unhandled and not handled before them in the batch.

    One statement for the batch, two parts per aggregate: the nearest elders of its first
    event in the batch above the aggregate's floor (each of them was checked against its
    own elders; so was the floor, :class:`CheckedElders`), and every event between its
    first and last in the batch (one missing from the batch holds back the younger ones).
    Its text depends only on the consumer's types and the number of aggregates, so it is
    built once per number (:func:`batch_elders_statement`) and the database prepares it
    once too."""
    by_aggregate: dict[uuid.UUID, list[Envelope]] = {}
    for envelope in envelopes:
        if envelope.aggregate_id is not None:
            by_aggregate.setdefault(envelope.aggregate_id, []).append(envelope)
    if not by_aggregate:
        return set()
    params: dict[str, Any] = {"consumer": spec.name}
    for i, (aggregate, events) in enumerate(by_aggregate.items()):
        params[f"a{i}"] = aggregate
        params[f"f{i}"] = events[0].id
        params[f"l{i}"] = events[-1].id
        params[f"c{i}"] = events[0].occurred_at - ORDER_WINDOW
        params[f"p{i}"] = NIL_UUID if checked is None else checked.floor(aggregate, events[0].id)
    statement = batch_elders_statement(spec.type_names, len(by_aggregate))
    unhandled: dict[uuid.UUID, set[uuid.UUID]] = {}
    for aggregate, event_id in (await session.execute(statement, params)).tuples():
        unhandled.setdefault(aggregate, set()).add(event_id)
    in_batch = {envelope.id for envelope in envelopes}
    waiting: set[uuid.UUID] = set()
    for aggregate, events in by_aggregate.items():
        missing = sorted(unhandled.get(aggregate, set()) - in_batch)
        for envelope in events:  # the ones before it in the batch are handled before it
            if missing and missing[0] < envelope.id:
                waiting.add(envelope.id)
    return waiting


_ELDERS_NEAREST = """
SELECT n.aggregate_id, n.id FROM (
  SELECT aggregate_id, id FROM sys_events
  WHERE aggregate_id = :a{i} AND id < :f{i} AND id > :p{i} AND {of_types}
  ORDER BY id DESC LIMIT {limit}
) AS n WHERE {unrecorded_n}"""
_ELDERS_BETWEEN = """
SELECT aggregate_id, id FROM sys_events
WHERE aggregate_id = :a{i} AND id > :f{i} AND id < :l{i} AND {of_types} AND {unrecorded_e}"""
# Per-row primary-key lookups: an anti-join was planned as a scan of every inbox row the
# consumer ever wrote. ``event_type || ''``: no index on the type is used; SQLite (no
# statistics) took the ``(event_type, schema_version)`` index for a consumer of one type and
# walked every event of that type for each aggregate, 50 ms a batch at 5,000 events.
_UNRECORDED = (
    "(SELECT count(*) FROM sys_event_inbox WHERE consumer = :consumer AND event_id = {id}) = 0"
    " AND (SELECT count(*) FROM sys_event_dead_letters"
    " WHERE consumer = :consumer AND event_id = {id}) = 0"
)


@functools.lru_cache(maxsize=512)
def batch_elders_statement(types: frozenset[str], aggregates: int) -> TextualSelect:
    """The order guard's statement for ``aggregates`` aggregates, parameters ``a<i>`` (the
    aggregate), ``f<i>``/``l<i>`` (its first and last event in the batch), ``p<i>`` (the
    id its nearest elders are above), ``c<i>`` (the oldest creation time looked at) and
    ``consumer``. Built as a SQLAlchemy expression it cost more CPU than handling the batch
    (40 ms per batch of 2 x 64 parts: building, its cache key and the expansion of each
    part's type list at every execution): this text is made once per number of aggregates,
    with the consumer's types written in it."""
    quoted = ", ".join("'" + name.replace("'", "''") + "'" for name in sorted(types))
    parts: list[str] = []
    for i in range(aggregates):
        of_types = (
            f"(event_type || '') IN ({quoted}) AND status IN ({_LIVE}) AND created_at >= :c{i}"
        )
        parts.append(_ELDERS_NEAREST.format(
            i=i, of_types=of_types, limit=ORDER_ELDERS, unrecorded_n=_UNRECORDED.format(id="n.id"),
        ))  # fmt: skip
        parts.append(_ELDERS_BETWEEN.format(
            i=i, of_types=of_types, unrecorded_e=_UNRECORDED.format(id="sys_events.id"),
        ))  # fmt: skip
    table: Any = OutboxEvent.__table__
    binds = [bindparam("consumer", type_=InboxRecord.__table__.c.consumer.type)]
    for i in range(aggregates):
        binds += [
            bindparam(f"a{i}", type_=table.c.aggregate_id.type),
            bindparam(f"f{i}", type_=table.c.id.type),
            bindparam(f"l{i}", type_=table.c.id.type),
            bindparam(f"p{i}", type_=table.c.id.type),
            bindparam(f"c{i}", type_=table.c.created_at.type),
        ]
    return (
        text(" UNION ALL ".join(parts))
        .bindparams(*binds)
        .columns(aggregate_id=table.c.aggregate_id.type, id=table.c.id.type)
    )


def _of_types(query: Any, spec: ConsumerSpec, envelope: Envelope) -> Any:
    older = OutboxEvent
    return query.where(
        _of_type_in(sorted(spec.type_names)),
        older.status.in_(LIVE_STATUSES),
        older.created_at >= envelope.occurred_at - ORDER_WINDOW,
    )


def _of_type_in(event_types: Sequence[str]) -> Any:
    """``event_type IN (...)`` through no index on the type (see ``_UNRECORDED``)."""
    return OutboxEvent.event_type.concat("").in_(event_types)


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
