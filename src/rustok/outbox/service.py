"""Operator functions of the event backbone: status, listings and replay (E-4, E-6).

They back ``rustok outbox status|replay`` and the admin routes ``GET /api/admin/events`` and
``POST /api/admin/events/{id}/replay`` (mounted with the RBAC guard). Platform code: they
read across tenants.

Replaying an event puts its outbox row back to ``pending`` (attempts reset, ``replays`` + 1,
so the broker does not drop it as a duplicate) and marks its parked dead letters
``replayed``. The relay then delivers it again to every consumer; those whose inbox already
holds it skip it, the others (the ones that parked it) handle it anew.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

import msgspec
from sqlalchemy import and_, exists, func, select, update

from rustok.core.db import utcnow
from rustok.core.errors import Conflict, NotFound
from rustok.core.events import CATALOGUE
from rustok.core.platform import Platform
from rustok.outbox.metrics import EVENTS_REPLAYED
from rustok.outbox.models import DeadLetter, InboxRecord, OutboxEvent
from rustok.outbox.store import OutboxStore

LAG_WINDOW = dt.timedelta(hours=24)
OutboxStatusName = Literal["pending", "dispatched", "failed"]


class ConsumerLag(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    event_types: list[str]
    unhandled: int  # events of its types in the last 24 h neither handled nor parked
    oldest_unhandled_seconds: float
    parked: int
    last_handled_at: dt.datetime | None


class OutboxStatus(msgspec.Struct, frozen=True, kw_only=True):
    pending: int
    failed: int
    oldest_pending_seconds: float
    consumers: list[ConsumerLag]


class OutboxEventRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    tenant_id: uuid.UUID
    event_type: str
    status: str
    attempts: int
    replays: int
    occurred_at: dt.datetime
    dispatched_at: dt.datetime | None
    last_error: str | None
    parked_by: list[str]


class ReplayResult(msgspec.Struct, frozen=True, kw_only=True):
    event_id: uuid.UUID
    event_type: str
    previous_status: str
    consumers: list[str]  # whose parked dead letter this replays


class EventNotFound(NotFound):
    code = "EVENT_NOT_FOUND"
    title = "Event not found"


class NothingToReplay(Conflict):
    code = "NOTHING_TO_REPLAY"
    title = "Nothing to replay"


async def outbox_status(platform: Platform) -> OutboxStatus:
    """Pending, failed, oldest age and, per consumer, what it has not handled yet."""
    figures = await OutboxStore(platform.db, max_attempts=1).figures()
    specs = [*platform.consumers, *(c for m in platform.modules for c in m.consumers)]
    consumers = [await _consumer_lag(platform, s.name, sorted(s.type_names)) for s in specs]
    return OutboxStatus(
        pending=figures.pending,
        failed=figures.failed,
        oldest_pending_seconds=figures.oldest_pending_seconds,
        consumers=consumers,
    )


async def _consumer_lag(platform: Platform, name: str, types: list[str]) -> ConsumerLag:
    now = utcnow()
    handled = exists().where(InboxRecord.consumer == name, InboxRecord.event_id == OutboxEvent.id)
    parked = exists().where(
        DeadLetter.consumer == name,
        DeadLetter.event_id == OutboxEvent.id,
        DeadLetter.status == "parked",
    )
    # With the memory transport a dispatched row was recorded by every consumer (handled,
    # parked, or nothing to do for its filter, which writes no inbox row): only pending ones
    # can be unhandled. Behind a broker, dispatched means published.
    unsettled = (
        OutboxEvent.status == "pending"
        if platform.settings.event_transport == "memory"
        else OutboxEvent.status != "failed"
    )
    async with platform.db.read_session(all_tenants=True) as session:
        unhandled, oldest = (
            await session.execute(
                select(func.count(), func.min(OutboxEvent.created_at)).where(
                    OutboxEvent.event_type.in_(types),
                    unsettled,
                    OutboxEvent.created_at >= now - LAG_WINDOW,
                    ~handled,
                    ~parked,
                )
            )
        ).one()
        parked_count = await session.scalar(
            select(func.count()).where(DeadLetter.consumer == name, DeadLetter.status == "parked")
        )
        last = await session.scalar(
            select(func.max(InboxRecord.handled_at)).where(InboxRecord.consumer == name)
        )
    return ConsumerLag(
        name=name,
        event_types=types,
        unhandled=int(unhandled),
        oldest_unhandled_seconds=0.0 if oldest is None else (now - oldest).total_seconds(),
        parked=int(parked_count or 0),
        last_handled_at=last,
    )


async def list_events(
    platform: Platform,
    *,
    status: OutboxStatusName | None = None,
    event_type: str | None = None,
    limit: int = 50,
    before: uuid.UUID | None = None,
) -> list[OutboxEventRead]:
    """Outbox rows, newest first (``before``: cursor = the last id of the previous page)."""
    query = select(OutboxEvent).order_by(OutboxEvent.id.desc()).limit(min(max(limit, 1), 100))
    if status is not None:
        query = query.where(OutboxEvent.status == status)
    if event_type is not None:
        query = query.where(OutboxEvent.event_type == event_type)
    if before is not None:
        query = query.where(OutboxEvent.id < before)
    async with platform.db.read_session(all_tenants=True) as session:
        rows = list(await session.scalars(query))
        parked: dict[uuid.UUID, list[str]] = {row.id: [] for row in rows}
        if rows:
            letters = await session.execute(
                select(DeadLetter.event_id, DeadLetter.consumer).where(
                    DeadLetter.event_id.in_(list(parked)), DeadLetter.status == "parked"
                )
            )
            for event_id, consumer in letters:
                parked[event_id].append(consumer)
    return [
        OutboxEventRead(
            id=r.id,
            tenant_id=r.tenant_id,
            event_type=r.event_type,
            status=r.status,
            attempts=r.attempts,
            replays=r.replays,
            occurred_at=r.occurred_at,
            dispatched_at=r.dispatched_at,
            last_error=r.last_error,
            parked_by=sorted(parked[r.id]),
        )
        for r in rows
    ]


async def replay_event(platform: Platform, event_id: uuid.UUID) -> ReplayResult:
    """Deliver a failed outbox row, or an event some consumer parked, once more."""
    events: Any = OutboxEvent.__table__
    letters: Any = DeadLetter.__table__
    db = platform.db
    async with db.writer(), db.write_engine.begin() as conn:
        row = (
            await conn.execute(
                select(events.c.status, events.c.event_type).where(events.c.id == event_id)
            )
        ).first()
        if row is None:
            raise EventNotFound(f"no event {event_id}")
        consumers = list(
            (
                await conn.execute(
                    select(letters.c.consumer).where(
                        and_(letters.c.event_id == event_id, letters.c.status == "parked")
                    )
                )
            ).scalars()
        )
        if row.status == "pending":
            raise NothingToReplay(f"event {event_id} is still being delivered")
        if row.status != "failed" and not consumers:
            raise NothingToReplay(f"event {event_id} was handled by every consumer")
        await conn.execute(
            update(events)
            .where(events.c.id == event_id)
            .values(
                status="pending",
                attempts=0,
                next_attempt_at=None,
                last_error=None,
                claimed_by=None,
                claimed_at=None,
                dispatched_at=None,
                replays=events.c.replays + 1,
            )
        )
        await conn.execute(
            update(letters)
            .where(letters.c.event_id == event_id, letters.c.status == "parked")
            .values(status="replayed", replayed_at=utcnow())
        )
    EVENTS_REPLAYED.labels(row.event_type).inc()
    if platform.events is not None:
        wake = getattr(platform.events, "wake", None)
        if callable(wake):
            wake()
    return ReplayResult(
        event_id=event_id,
        event_type=row.event_type,
        previous_status=row.status,
        consumers=sorted(consumers),
    )


class AdminEventRead(msgspec.Struct, frozen=True, kw_only=True):
    """An outbox row as ``GET /api/admin/events`` shows it (API.md)."""

    id: uuid.UUID
    event_type: str
    schema_version: int
    tenant_id: uuid.UUID
    status: str
    attempts: int
    replays: int
    last_error: str | None
    payload: dict[str, Any]
    created_at: dt.datetime
    dispatched_at: dt.datetime | None
    parked_by: list[str]


async def page_events(
    platform: Platform, *, status: OutboxStatusName | None, page: int, per_page: int,
    public_only: bool = False,
) -> tuple[list[AdminEventRead], int]:  # fmt: skip
    """One page of outbox rows of every tenant, newest first, and the total; with
    ``public_only`` without the internal event types (they never leave the platform)."""
    condition = [] if status is None else [OutboxEvent.status == status]
    if public_only and (internal := CATALOGUE.internal_types()):
        condition.append(OutboxEvent.event_type.not_in(internal))
    async with platform.db.read_session(all_tenants=True) as session:
        total = await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(*condition)
        )
        rows = list(
            await session.scalars(
                select(OutboxEvent).where(*condition).order_by(OutboxEvent.id.desc())
                .offset((page - 1) * per_page).limit(per_page)
            )
        )  # fmt: skip
        parked: dict[uuid.UUID, list[str]] = {row.id: [] for row in rows}
        if rows:
            letters = await session.execute(
                select(DeadLetter.event_id, DeadLetter.consumer).where(
                    DeadLetter.event_id.in_(list(parked)), DeadLetter.status == "parked"
                )
            )
            for event_id, consumer_name in letters:
                parked[event_id].append(consumer_name)
    items = [
        AdminEventRead(
            id=r.id,
            event_type=r.event_type,
            schema_version=r.schema_version,
            tenant_id=r.tenant_id,
            status=r.status,
            attempts=r.attempts,
            replays=r.replays,
            last_error=r.last_error,
            payload=r.payload,
            created_at=r.created_at,
            dispatched_at=r.dispatched_at,
            parked_by=sorted(parked[r.id]),
        )
        for r in rows
    ]
    return items, int(total or 0)


async def admin_event(
    platform: Platform, event_id: uuid.UUID, *, public_only: bool = False
) -> AdminEventRead:
    async with platform.db.read_session(all_tenants=True) as session:
        row = await session.get(OutboxEvent, event_id)
        if row is None or (public_only and CATALOGUE.is_internal(row.event_type)):
            raise EventNotFound(f"no event {event_id}")
        parked = await session.scalars(
            select(DeadLetter.consumer).where(
                DeadLetter.event_id == event_id, DeadLetter.status == "parked"
            )
        )
        return AdminEventRead(
            id=row.id, event_type=row.event_type, schema_version=row.schema_version,
            tenant_id=row.tenant_id, status=row.status, attempts=row.attempts,
            replays=row.replays, last_error=row.last_error, payload=row.payload,
            created_at=row.created_at, dispatched_at=row.dispatched_at, parked_by=sorted(parked),
        )  # fmt: skip


async def outbox_counts(platform: Platform) -> tuple[int, int, float]:
    """Pending and failed rows of every tenant and the oldest pending row's age (seconds):
    one aggregate statement (the admin's events page; ``outbox_status`` adds the consumers)."""
    figures = await OutboxStore(platform.db, max_attempts=1).figures()
    return figures.pending, figures.failed, figures.oldest_pending_seconds


class DeadLetterRead(msgspec.Struct, frozen=True, kw_only=True):
    """An event a consumer parked, with its last error (the admin's dead letters page)."""

    id: uuid.UUID
    consumer: str
    event_id: uuid.UUID
    event_type: str
    tenant_id: uuid.UUID
    status: str
    attempts: int
    error: str
    parked_at: dt.datetime
    replayed_at: dt.datetime | None


def _dead_letter_read(row: DeadLetter) -> DeadLetterRead:
    return DeadLetterRead(
        id=row.id, consumer=row.consumer, event_id=row.event_id, event_type=row.event_type,
        tenant_id=row.tenant_id, status=row.status, attempts=row.attempts, error=row.error,
        parked_at=row.parked_at, replayed_at=row.replayed_at,
    )  # fmt: skip


async def page_dead_letters(
    platform: Platform, *, status: Literal["parked", "replayed"] | None, page: int, per_page: int
) -> tuple[list[DeadLetterRead], int]:
    """One page of dead letters of every tenant, newest first, and the total (2 statements);
    internal event types are left out as by ``page_events(public_only=True)``."""
    condition = [] if status is None else [DeadLetter.status == status]
    if internal := CATALOGUE.internal_types():
        condition.append(DeadLetter.event_type.not_in(internal))
    async with platform.db.read_session(all_tenants=True) as session:
        total = await session.scalar(select(func.count()).select_from(DeadLetter).where(*condition))
        rows = await session.scalars(
            select(DeadLetter).where(*condition)
            .order_by(DeadLetter.parked_at.desc(), DeadLetter.id.desc())
            .offset((page - 1) * per_page).limit(per_page)
        )  # fmt: skip
        return [_dead_letter_read(r) for r in rows], int(total or 0)


async def dead_letters_of(platform: Platform, event_id: uuid.UUID) -> list[DeadLetterRead]:
    """Every consumer's dead letter of one event (parked and replayed), oldest first."""
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(
            select(DeadLetter).where(DeadLetter.event_id == event_id)
            .order_by(DeadLetter.parked_at, DeadLetter.consumer)
        )  # fmt: skip
        return [_dead_letter_read(r) for r in rows]
