"""Test event types, a recording consumer and helpers shared by the event backbone tests."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec
from sqlalchemy import event, func, select

from rustok.core.consumer import ConsumerSpec
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.events import Envelope, EventPayload
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.outbox.event_runtime import EventRuntime
from rustok.outbox.models import DeadLetter, InboxRecord, OutboxEvent
from rustok.tenancy.models import DEFAULT_TENANT_ID

TENANT = TenantRef(id=DEFAULT_TENANT_ID, slug="default", name="Default")


class Ticked(EventPayload, frozen=True, kw_only=True):
    """A test event with an aggregate (``thing_id``) and a sequence number."""

    event_type = "test.ticked"
    thing_id: uuid.UUID
    n: Annotated[int, msgspec.Meta(ge=0)]

    def aggregate_id(self) -> uuid.UUID:
        return self.thing_id


class Echoed(EventPayload, frozen=True, kw_only=True):
    """Raised by a consumer while handling a Ticked (to check the causation chain)."""

    event_type = "test.echoed"
    thing_id: uuid.UUID
    n: int


@dataclass
class Recorder:
    """A consumer that records what it handled (once committed), and can be made to fail or
    block."""

    name: str = "test.recorder"
    seen: list[Envelope] = field(default_factory=list)
    failures_left: dict[int, int] = field(default_factory=dict)
    gate: asyncio.Event | None = None
    echo: bool = False

    async def handle(self, payload: Ticked, envelope: Envelope, uow: UnitOfWork) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.failures_left.get(payload.n, 0) > 0:
            self.failures_left[payload.n] -= 1
            raise RuntimeError(f"planned failure of n={payload.n}")
        if self.echo:
            uow.publish(Echoed(thing_id=payload.thing_id, n=payload.n))

        async def record() -> None:  # committed effects only: a batch may run a handler again
            self.seen.append(envelope)

        uow.on_commit(record)

    def spec(self, **kwargs: Any) -> ConsumerSpec:
        return ConsumerSpec(self.name, (Ticked,), self.handle, **kwargs)


async def raise_events(
    platform: Platform, thing_ids: Sequence[uuid.UUID], per_thing: int, *, per_commit: int = 10
) -> list[uuid.UUID]:
    """Commit ``per_thing`` Ticked events for each thing; return the event ids in order."""
    ids: list[uuid.UUID] = []
    pending = [(t, n) for n in range(per_thing) for t in thing_ids]
    with use_context(RequestContext(tenant=TENANT)):
        for start in range(0, len(pending), per_commit):
            async with platform.uow() as uow:
                for thing, n in pending[start : start + per_commit]:
                    ids.append(uow.publish(Ticked(thing_id=thing, n=n)).id)
                await uow.commit()
    return ids


async def wait_until(
    check: Callable[[], Awaitable[bool]], *, within: float = 20.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.02)


async def count(platform: Platform, model: Any, *where: Any) -> int:
    async with platform.db.read_session(all_tenants=True) as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def statuses(platform: Platform, event_type: str = "test.ticked") -> dict[str, int]:
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.execute(
            select(OutboxEvent.status, func.count())
            .where(OutboxEvent.event_type == event_type)
            .group_by(OutboxEvent.status)
        )
        return {status: int(n) for status, n in rows}


async def inbox_count(platform: Platform, consumer: str) -> int:
    return await count(platform, InboxRecord, InboxRecord.consumer == consumer)


async def dead_letters(platform: Platform, consumer: str) -> list[DeadLetter]:
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(select(DeadLetter).where(DeadLetter.consumer == consumer))
        return list(rows)


def runtime_of(platform: Platform) -> EventRuntime:
    assert isinstance(platform.events, EventRuntime)
    return platform.events


@contextmanager
def driver_queries(platform: Platform) -> Iterator[list[str]]:
    """The queries asyncpg sends on the write engine's connections checked out inside the
    block (from their checkout on: the pool's ping comes before it)."""
    seen: list[str] = []

    def log(record: Any) -> None:
        seen.append(" ".join(record.query.split()))

    engine = platform.db.write_engine.sync_engine
    raw: list[Any] = []

    def on_checkout(dbapi_connection: Any, *_: Any) -> None:
        raw.append(dbapi_connection.driver_connection)
        dbapi_connection.driver_connection.add_query_logger(log)

    event.listen(engine.pool, "checkout", on_checkout)
    try:
        yield seen
    finally:
        event.remove(engine.pool, "checkout", on_checkout)
        for connection in raw:
            connection.remove_query_logger(log)
