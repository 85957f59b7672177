"""Handling one event for a consumer: the inbox row, the handler, retries, the dead letter.

Handling one event is one unit of work scoped to the event's tenant, under a request context
carrying the event's correlation id, ``causation_id = event id`` and its trace (so the events
a handler raises chain to it): insert the inbox row ``(consumer, event_id)``, run the
handler, commit. A duplicate inbox key means an earlier delivery already committed its
effects: nothing happens. A failing handler is retried with backoff; after the last attempt
the event is parked in ``sys_event_dead_letters`` with the error.

Behind a broker (``order_guard``), the handling transaction first checks that the older
events of the event's aggregate are handled (``ordering.py``); if not, the event waits.
The events the consumer's filter has nothing to do for are recorded all the same there (the
guard of a later event of their aggregate looks for them), but by one statement alone
(:meth:`SingleDelivery.record_unwanted`).
"""

from __future__ import annotations

import asyncio
import enum
import random
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from opentelemetry import context as otel_context
from opentelemetry.trace import SpanKind
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError

from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.db import Database, utcnow
from rustok.core.events import EventPayload, EventValidationError
from rustok.core.logging import get_logger
from rustok.core.telemetry import current_traceparent, trace_id_of
from rustok.core.tracing import event_context
from rustok.core.tracing import span as tracing_span
from rustok.outbox.inbox import record_alone
from rustok.outbox.metrics import CONSUMER_LAG, EVENTS_DISPATCHED, EVENTS_FAILED, EVENTS_PARKED
from rustok.outbox.models import DeadLetter, InboxRecord
from rustok.outbox.ordering import CheckedElders, elders_unhandled

if TYPE_CHECKING:
    from rustok.core.consumer import ConsumerSpec
    from rustok.core.events import Envelope
    from rustok.core.platform import TenantLookup
    from rustok.core.uow import UnitOfWork
    from rustok.outbox.dispatcher import DispatchTicket

log = get_logger("rustok.events")
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


class SingleDelivery:
    """Delivers events to one consumer one at a time (the base of ``ConsumerRunner``)."""

    def __init__(
        self,
        spec: ConsumerSpec,
        db: Database,
        uow_factory: Callable[[], UnitOfWork],
        *,
        max_attempts: int,
        order_guard: bool,
        tenants: TenantLookup | None,
    ) -> None:
        self.spec = spec
        self._tenants = tenants
        self.order_guard = order_guard
        self.name = spec.name
        self._db = db
        self._uow = uow_factory
        self.max_attempts = spec.max_attempts or max_attempts
        # Behind a broker: per aggregate, the newest event the guard let through here.
        self._checked = CheckedElders()

    async def process(self, envelope: Envelope) -> bool:
        """Handle, skip (already in the inbox) or park one event; False if none of these
        could be recorded (the database is gone, or an elder is not handled yet)."""
        return await self.attempt(envelope) is Result.RECORDED

    async def attempt(self, envelope: Envelope) -> Result:
        """Handle the event, with retries, or park it."""
        # Logging: the lines of this attempt (failures, parking) carry the event's trace,
        # tenant and id, in ``rustok worker`` as in ``rustok serve``.
        token = otel_context.attach(event_context(envelope.traceparent))
        try:
            with use_context(consumer_context(envelope)):
                return await self._attempt(envelope)
        finally:
            otel_context.detach(token)

    async def _attempt(self, envelope: Envelope) -> Result:
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
                        and await elders_unhandled(
                            uow.session,
                            envelope,
                            self.spec,
                            self._checked.floor(envelope.aggregate_id, envelope.id),
                        )
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
                        if self.order_guard:
                            self._checked.note([envelope])
                        return "duplicate"  # handled before: its effects are committed
                    await self.spec.handler(payload, envelope, uow)
                    if not uow.committed:
                        await uow.commit()
                if self.order_guard:
                    self._checked.note([envelope])
                return "handled"
        finally:
            otel_context.detach(token)

    async def unwanted(self, items: Sequence[tuple[Envelope, DispatchTicket]]) -> set[uuid.UUID]:
        """The events the consumer's filter (``ConsumerSpec.wants``) has nothing to do for."""
        wants = self.spec.wants
        if wants is None:
            return set()
        try:
            return {e.id for e, ticket in items if not await wants(self._db, e, ticket.received)}
        except Exception as exc:  # noqa: BLE001 - the handler decides, as without a filter
            log.warning("consumer filter failed", consumer=self.name, error=repr(exc))
            return set()

    async def record_unwanted(self, envelopes: Sequence[Envelope]) -> Result:
        """Behind a broker, record events the filter has nothing to do for: the guard of a
        later event of their aggregate looks for them in the inbox. One statement alone,
        without the guard: nothing runs for them, so nothing has to wait for their elders;
        nor are they noted as checked (``CheckedElders``): their elders may still be
        unrecorded. On failure they go back to the broker, to be recorded on redelivery."""
        try:
            await record_alone(self._db, self.name, [e.id for e in envelopes], utcnow())
        except Exception as exc:  # noqa: BLE001 - unrecorded: delivered again later
            log.warning("recording skipped events failed", consumer=self.name, error=repr(exc))
            return Result.UNRECORDED
        return Result.RECORDED

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


def _envelope_dict(envelope: Envelope) -> dict[str, object]:
    import msgspec

    data = msgspec.to_builtins(envelope)
    assert isinstance(data, dict)
    return data
