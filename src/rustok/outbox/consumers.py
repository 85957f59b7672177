"""Runs one named consumer: ordered lanes, the inbox, retries and dead letters (E-6).

Each event goes to the lane of its aggregate (``hash(aggregate_id) % lanes``), and a lane
handles its events one after another, so one aggregate's events reach the consumer in order
while different aggregates proceed in parallel.

Handling one event is one unit of work scoped to the event's tenant, under a request context
carrying the event's correlation id, ``causation_id = event id`` and its trace (so the events
a handler raises chain to it): insert the inbox row ``(consumer, event_id)``, run the
handler, commit. A duplicate inbox key means an earlier delivery already committed its
effects: nothing happens. A failing handler is retried with backoff; after the last attempt
the event is parked in ``sys_event_dead_letters`` with the error.

Batches (consumers declared with ``batch=True``, without the broker's order check): a lane
that finds several events of one tenant waiting handles up to ``BATCH_LIMIT`` of them in one
unit of work — one multi-row inbox
insert (``ON CONFLICT DO NOTHING RETURNING`` tells the new ones from the duplicates), the
handlers in order, one commit. If any handler fails the whole batch rolls back and its
events go through the one-by-one path (retries, parking), so a batch changes the cost,
never the outcome.

Behind a broker (``order_guard``) lanes are not enough: after a crash, the broker redelivers
unacknowledged messages only after ``ack_wait``, while newer ones flow at once, and several
processes share one durable consumer. So before handling an event of an aggregate the runner
checks that the older events of that aggregate are in its inbox or dead letters
(``ordering.py``). If not, the event waits beside its lane until this runner handles an
elder of the same aggregate (then it is queued again at once) or ``order_wait`` passes (then
it goes back to the broker unrecorded, for a later delivery: the elder may be elsewhere).
"""

from __future__ import annotations

import asyncio
import enum
import random
import time
import uuid
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from opentelemetry import context as otel_context
from opentelemetry.trace import SpanKind
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError

from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.db import Database, utcnow
from rustok.core.events import EventPayload, EventValidationError
from rustok.core.logging import get_logger
from rustok.core.tasks import STOP_GRACE_SECONDS, finish_or_cancel
from rustok.core.telemetry import current_traceparent, trace_id_of
from rustok.core.tracing import event_context
from rustok.core.tracing import span as tracing_span
from rustok.outbox.metrics import CONSUMER_LAG, EVENTS_DISPATCHED, EVENTS_FAILED, EVENTS_PARKED
from rustok.outbox.models import DeadLetter, InboxRecord
from rustok.outbox.ordering import elders_unhandled

if TYPE_CHECKING:
    from rustok.core.consumer import ConsumerSpec
    from rustok.core.events import Envelope
    from rustok.core.platform import TenantLookup
    from rustok.core.uow import UnitOfWork
    from rustok.outbox.dispatcher import DispatchTicket

log = get_logger("rustok.events")
BATCH_LIMIT = 64
RETRY_BASE_SECONDS = 0.1
RETRY_MAX_SECONDS = 5.0
INBOX: Any = InboxRecord.__table__


class Result(enum.Enum):
    RECORDED = "recorded"  # handled, already in the inbox, or parked
    UNRECORDED = "unrecorded"  # nothing could be recorded: deliver it again later
    WAITING = "waiting"  # an elder of its aggregate is not handled yet (order_guard)


def consumer_context(envelope: Envelope, tenant: TenantRef | None = None) -> RequestContext:
    """The request context a handler runs under: the event's tenant, actor and chain."""
    if tenant is None or tenant.id != envelope.tenant_id:
        # Only the id is known; the slug shows the id so logs still name the tenant.
        tenant = TenantRef(id=envelope.tenant_id, slug=str(envelope.tenant_id), name="")
    return RequestContext(
        request_id=f"event-{envelope.id}",
        trace_id=trace_id_of(),
        traceparent=current_traceparent(),
        tenant=tenant,
        actor_id=envelope.actor_id,
        correlation_id=envelope.correlation_id or envelope.id,
        causation_id=envelope.id,
    )


class ConsumerRunner:
    """Feeds one consumer from the dispatcher through per-aggregate lanes."""

    def __init__(
        self,
        spec: ConsumerSpec,
        db: Database,
        uow_factory: Callable[[], UnitOfWork],
        *,
        lanes: int,
        max_attempts: int,
        order_guard: bool = False,
        order_wait: float = 5.0,
        tenants: TenantLookup | None = None,
    ) -> None:
        self.spec = spec
        self._tenants = tenants
        self.order_guard = order_guard
        self.order_wait = order_wait
        self._waiting: dict[uuid.UUID, list[tuple[float, Envelope, DispatchTicket]]] = {}
        self.name = spec.name
        self._db = db
        self._uow = uow_factory
        self.max_attempts = spec.max_attempts or max_attempts
        self._queues: list[asyncio.Queue[tuple[Envelope, DispatchTicket]]] = [
            asyncio.Queue() for _ in range(lanes)
        ]
        self._tasks: list[asyncio.Task[None]] = []
        self._busy: set[asyncio.Task[Any]] = set()
        self._stopping = False
        for payload in spec.event_types:  # at 0 from the start: alerts see the first one
            EVENTS_PARKED.labels(payload.event_type, self.name)

    def start(self) -> None:
        if not self._tasks:
            self._stopping = False
            self._tasks = [
                asyncio.create_task(self._lane(q), name=f"consumer:{self.name}:{i}")
                for i, q in enumerate(self._queues)
            ]
            if self.order_guard:
                self._tasks.append(asyncio.create_task(self._expire_waiting()))

    @property
    def in_hand(self) -> int:
        """Lanes handling an event right now."""
        return len(self._busy)

    @property
    def backlog(self) -> int:
        """Events waiting in this consumer's lanes (not counting the ones being handled)."""
        return sum(q.qsize() for q in self._queues)

    def enqueue(self, envelope: Envelope, ticket: DispatchTicket) -> None:
        key = envelope.aggregate_id or envelope.id
        self._queues[zlib.crc32(key.bytes) % len(self._queues)].put_nowait((envelope, ticket))

    async def stop(self) -> None:
        """Stop the lanes: idle ones at once, busy ones after the events in hand (cancelled
        after ``STOP_GRACE_SECONDS``): finishing work already begun is cheaper than having
        it redelivered. Events not finished stay unrecorded (redelivered later)."""
        self._stopping = True
        busy = [task for task in self._tasks if task in self._busy]
        for task in self._tasks:
            if task not in busy:
                task.cancel()
        await finish_or_cancel(busy, STOP_GRACE_SECONDS)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        for queue in self._queues:
            while not queue.empty():
                _, ticket = queue.get_nowait()
                ticket.finish(False)
        waiting, self._waiting = self._waiting, {}
        for entries in waiting.values():
            for _, _, ticket in entries:
                ticket.finish(False)

    async def _lane(self, queue: asyncio.Queue[tuple[Envelope, DispatchTicket]]) -> None:
        lane = asyncio.current_task()
        assert lane is not None
        while not self._stopping:
            item = await queue.get()
            self._busy.add(lane)
            try:
                await self._handle(queue, *item)
            finally:
                self._busy.discard(lane)

    async def _handle(
        self,
        queue: asyncio.Queue[tuple[Envelope, DispatchTicket]],
        envelope: Envelope,
        ticket: DispatchTicket,
    ) -> None:
        if self.spec.batch and not self.order_guard and not queue.empty():
            await self._batch(queue, (envelope, ticket))
            return
        result = Result.UNRECORDED
        try:
            result = await self.attempt(envelope)
        finally:
            if result is Result.WAITING:
                entry = (time.monotonic() + self.order_wait, envelope, ticket)
                self._waiting.setdefault(envelope.aggregate_id or envelope.id, []).append(entry)
            else:
                ticket.finish(result is Result.RECORDED)
        aggregate = envelope.aggregate_id
        if result is Result.RECORDED and aggregate is not None and aggregate in self._waiting:
            # An elder is done: its juniors get their turn now, in id order.
            for _, junior, junior_ticket in sorted(
                self._waiting.pop(aggregate), key=lambda e: e[1].id
            ):
                queue.put_nowait((junior, junior_ticket))

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
            recorded = await self._handle_batch([envelope for envelope, _ in group])
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

    async def _expire_waiting(self) -> None:
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

    async def process(self, envelope: Envelope) -> bool:
        """Handle, skip (already in the inbox) or park one event; False if none of these
        could be recorded (the database is gone, or an elder is not handled yet)."""
        return await self.attempt(envelope) is Result.RECORDED

    async def attempt(self, envelope: Envelope) -> Result:
        try:
            payload = envelope.decode_payload()
        except EventValidationError as exc:
            return await self._park(envelope, exc, attempts=1)
        attempt = 0
        while True:
            attempt += 1
            try:
                outcome = await self._handle_once(envelope, payload)
                if outcome == "handled":
                    EVENTS_DISPATCHED.labels(envelope.event_type, self.name).inc()
                    lag = (utcnow() - envelope.occurred_at).total_seconds()
                    CONSUMER_LAG.labels(self.name).observe(max(0.0, lag))
                return Result.WAITING if outcome == "waiting" else Result.RECORDED
            except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then parked
                EVENTS_FAILED.labels(envelope.event_type, self.name).inc()
                log.warning(
                    "consumer failed",
                    consumer=self.name,
                    event_id=str(envelope.id),
                    event_type=envelope.event_type,
                    attempt=attempt,
                    error=f"{type(exc).__name__}: {exc}",
                )
                if attempt >= self.max_attempts:
                    return await self._park(envelope, exc, attempts=attempt)
                delay = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** (attempt - 1))
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter

    async def _handle_once(
        self, envelope: Envelope, payload: EventPayload
    ) -> Literal["handled", "duplicate", "waiting"]:
        tenant = await self._tenant(envelope)
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
                async with self._uow() as uow:
                    # Checked in the handling transaction: no extra connection per event.
                    if (
                        self.order_guard
                        and envelope.aggregate_id is not None
                        and await elders_unhandled(uow.session, envelope, self.spec)
                    ):
                        return "waiting"
                    try:
                        # The Core table, not the entity: skips the ORM's bulk-insert path.
                        await uow.session.execute(
                            insert(INBOX).values(
                                consumer=self.name, event_id=envelope.id, handled_at=utcnow()
                            )
                        )
                    except IntegrityError:
                        return "duplicate"  # handled before: its effects are committed
                    await self.spec.handler(payload, envelope, uow)
                    if not uow.committed:
                        await uow.commit()
                return "handled"
        finally:
            otel_context.detach(token)

    async def _tenant(self, envelope: Envelope) -> TenantRef | None:
        """The event's tenant from the (cached) directory; None for a removed tenant."""
        return None if self._tenants is None else await self._tenants.by_id(envelope.tenant_id)

    async def _park(self, envelope: Envelope, exc: BaseException, *, attempts: int) -> Result:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        try:
            async with self._db.writer(), self._db.write_engine.begin() as conn:
                # A replayed event that fails again replaces its earlier dead letter.
                await conn.execute(
                    delete(DeadLetter).where(
                        DeadLetter.consumer == self.name, DeadLetter.event_id == envelope.id
                    )
                )
                await conn.execute(
                    insert(DeadLetter).values(
                        consumer=self.name,
                        event_id=envelope.id,
                        tenant_id=envelope.tenant_id,
                        event_type=envelope.event_type,
                        envelope=_envelope_dict(envelope),
                        status="parked",
                        attempts=attempts,
                        error=error,
                        parked_at=utcnow(),
                    )
                )
        except Exception as park_exc:  # noqa: BLE001 - unrecorded: delivered again later
            log.error("could not park event", consumer=self.name, event_id=str(envelope.id),
                      error=f"{type(park_exc).__name__}: {park_exc}")  # fmt: skip
            return Result.UNRECORDED
        EVENTS_PARKED.labels(envelope.event_type, self.name).inc()
        log.error("event parked", consumer=self.name, event_id=str(envelope.id), error=error)
        return Result.RECORDED


def _insert_ignoring_duplicates(dialect: str) -> Callable[..., Any]:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _envelope_dict(envelope: Envelope) -> dict[str, object]:
    import msgspec

    data = msgspec.to_builtins(envelope)
    assert isinstance(data, dict)
    return data
