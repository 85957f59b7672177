"""The unit of work commits rows and their events together (E-3)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

import msgspec
import pytest
from sqlalchemy import select

from rustok.auth.models import User
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.events import EventPayload, EventValidationError
from rustok.core.platform import Platform
from rustok.outbox.models import OutboxEvent
from rustok.tenancy.models import DEFAULT_TENANT_ID

TENANT = TenantRef(id=DEFAULT_TENANT_ID, slug="default", name="Default")


class ProbeHappened(EventPayload, frozen=True, kw_only=True):
    event_type = "test.probe_happened"
    thing_id: uuid.UUID
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=8)]
    count: Annotated[int, msgspec.Meta(ge=0)] = 0

    def check(self) -> None:
        if self.label == "odd" and self.count % 2 == 0:
            raise ValueError("odd label needs an odd count")

    def aggregate_id(self) -> uuid.UUID:
        return self.thing_id


async def _outbox(platform: Platform) -> list[OutboxEvent]:
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.event_type == "test.probe_happened")
            .order_by(OutboxEvent.id)
        )
        return list(rows)


async def test_commit_writes_rows_and_events_in_order(platform: Platform) -> None:
    thing = uuid.uuid4()
    woken: list[int] = []
    platform.uow.after_commit.append(woken.append)
    with use_context(RequestContext(tenant=TENANT, actor_id=thing)):
        async with platform.uow() as uow:
            uow.session.add(User(email="a@example.com", password_hash="x", meta={}))
            for i in range(3):
                uow.publish(ProbeHappened(thing_id=thing, label=f"n{i}", count=i))
            await uow.commit()
    rows = await _outbox(platform)
    assert [r.payload["label"] for r in rows] == ["n0", "n1", "n2"]
    assert {r.status for r in rows} == {"pending"}
    first = rows[0]
    assert first.tenant_id == DEFAULT_TENANT_ID
    assert first.actor_id == thing
    assert first.aggregate_id == thing
    assert first.payload == {"thing_id": str(thing), "label": "n0", "count": 0}
    assert first.traceparent is not None and first.traceparent.startswith("00-")
    assert woken == [3]


async def test_rollback_publishes_nothing(platform: Platform) -> None:
    async def failing_handler() -> None:
        async with platform.uow() as uow:
            uow.session.add(User(email="b@example.com", password_hash="x", meta={}))
            uow.publish(ProbeHappened(thing_id=uuid.uuid4(), label="gone"))
            await uow.session.flush()
            raise RuntimeError("handler failed")

    with use_context(RequestContext(tenant=TENANT)):
        with pytest.raises(RuntimeError, match="handler failed"):
            await failing_handler()
        async with platform.uow() as uow:
            uow.publish(ProbeHappened(thing_id=uuid.uuid4(), label="gone"))
            # left without commit
        async with platform.db.read_session() as session:
            assert await session.scalar(select(User).where(User.email == "b@example.com")) is None
    assert await _outbox(platform) == []


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"label": ""}, "length >= 1"),
        ({"label": "toolonglabel"}, "length <= 8"),
        ({"label": "x", "count": -1}, ">= 0"),
        ({"label": "odd", "count": 2}, "odd label needs an odd count"),
    ],
)
async def test_invalid_event_raises_before_anything_is_written(
    platform: Platform, payload: dict[str, object], message: str
) -> None:
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.uow() as uow:
            uow.publish(ProbeHappened(thing_id=uuid.uuid4(), label="fine"))
            with pytest.raises(EventValidationError, match=message):
                uow.publish(ProbeHappened(thing_id=uuid.uuid4(), **payload))  # type: ignore[arg-type]
            assert len(uow.staged) == 1
    assert await _outbox(platform) == []


async def test_event_without_tenant_is_refused(platform: Platform) -> None:
    async with platform.uow(all_tenants=True) as uow:
        with pytest.raises(RuntimeError, match="without a tenant"):
            uow.publish(ProbeHappened(thing_id=uuid.uuid4(), label="x"))


async def test_transport_sees_exactly_the_committed_events_in_order(platform: Platform) -> None:
    """With the relay running: rolled-back events never reach a consumer, committed ones do,
    each once and in the order they were raised."""
    from rustok.core.consumer import ConsumerSpec
    from rustok.core.events import Envelope
    from rustok.core.uow import UnitOfWork
    from tests.outbox.support import runtime_of, wait_until

    seen: list[str] = []

    async def record(payload: ProbeHappened, envelope: Envelope, uow: UnitOfWork) -> None:
        seen.append(payload.label)

    platform.consumers.append(ConsumerSpec("test.uow_probe", (ProbeHappened,), record))
    runtime = runtime_of(platform)
    await runtime.start()
    thing = uuid.uuid4()
    try:
        with use_context(RequestContext(tenant=TENANT)):
            async with platform.uow() as uow:
                uow.publish(ProbeHappened(thing_id=thing, label="gone1"))
                await uow.rollback()
            for batch in (["a1", "a2", "a3"], ["b1"], ["c1", "c2"]):
                async with platform.uow() as uow:
                    for label in batch:
                        uow.publish(ProbeHappened(thing_id=thing, label=label))
                    await uow.commit()
                async with platform.uow() as uow:
                    uow.publish(ProbeHappened(thing_id=thing, label="gone2"))
                    # left without commit

        async def all_seen() -> bool:
            return len(seen) >= 6

        await wait_until(all_seen, what="committed events")
        # Give the relay a few more rounds: nothing else may arrive.
        for _ in range(5):
            runtime.wake()
            await asyncio.sleep(0.05)
    finally:
        await runtime.stop()
    assert seen == ["a1", "a2", "a3", "b1", "c1", "c2"]
    assert [r.payload["label"] for r in await _outbox(platform)] == seen
    assert {r.status for r in await _outbox(platform)} == {"dispatched"}
