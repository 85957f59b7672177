"""Batch consumers: several events per transaction, the same outcome as one by one."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from rustok.core.context import RequestContext, use_context
from rustok.core.events import Envelope
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.outbox.consumers import ConsumerRunner
from rustok.outbox.dispatcher import EventDispatcher
from rustok.outbox.models import InboxRecord, OutboxEvent
from tests.outbox.support import (
    TENANT,
    Echoed,
    Recorder,
    Ticked,
    dead_letters,
    inbox_count,
    raise_events,
    runtime_of,
    statuses,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("settled_outbox")


async def _envelopes(platform: Platform, count: int) -> list[Envelope]:
    ids = await raise_events(platform, [uuid.uuid4() for _ in range(count)], per_thing=1)
    async with platform.db.read_session(all_tenants=True) as session:
        rows = {
            r.id: r
            for r in await session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids)))
        }
    return [
        Envelope(
            id=r.id,
            event_type=r.event_type,
            schema_version=r.schema_version,
            tenant_id=r.tenant_id,
            occurred_at=r.occurred_at,
            payload=r.payload,
            aggregate_id=r.aggregate_id,
            correlation_id=r.correlation_id,
            traceparent=r.traceparent,
        )
        for r in (rows[i] for i in ids)
    ]


async def test_batch_handles_each_event_once_and_skips_duplicates(platform: Platform) -> None:
    recorder = Recorder(name="test.batch", echo=True)
    runner = ConsumerRunner(
        recorder.spec(batch=True), platform.db, platform.uow, lanes=1, max_attempts=3
    )
    envelopes = await _envelopes(platform, 10)
    first = await runner._handle_batch(envelopes[:6])
    assert first.handled == {e.id for e in envelopes[:6]} and not first.waiting
    again = await runner._handle_batch(envelopes)  # the first six again: skipped
    assert again.handled == {e.id for e in envelopes[6:]}
    assert sorted(e.id for e in recorder.seen) == sorted(e.id for e in envelopes)
    assert await inbox_count(platform, "test.batch") == 10
    # Each handler's events chain to the event it handled.
    async with platform.db.read_session(all_tenants=True) as session:
        causes = set(
            await session.scalars(
                select(OutboxEvent.causation_id).where(OutboxEvent.event_type == Echoed.event_type)
            )
        )
    assert causes == {e.id for e in envelopes}


async def test_a_failing_event_rolls_the_batch_back_and_falls_back(platform: Platform) -> None:
    recorder = Recorder(name="test.batch", failures_left={3: 99})
    platform.consumers.append(recorder.spec(batch=True, max_attempts=2))
    # One aggregate: all thirty wait in the same lane, so they are taken as a batch.
    ids = await raise_events(platform, [uuid.uuid4()], per_thing=30, per_commit=30)
    runtime = runtime_of(platform)
    await runtime.start()
    try:

        async def settled() -> bool:
            return (await statuses(platform)).get("dispatched", 0) == 30

        await wait_until(settled, what="dispatch")
    finally:
        await runtime.stop()
    assert await inbox_count(platform, "test.batch") == 29
    (letter,) = await dead_letters(platform, "test.batch")
    assert letter.event_id == ids[3] and "planned failure of n=3" in letter.error
    # Handlers of the rolled-back batch ran again one by one: every event took effect once.
    assert sorted({e.payload["n"] for e in recorder.seen}) == [n for n in range(30) if n != 3]


async def test_batches_do_not_mix_tenants(platform: Platform) -> None:
    from rustok.core.consumer import ConsumerSpec
    from rustok.core.context import current_context
    from rustok.outbox.dispatcher import DispatchTicket
    from rustok.tenancy.schemas import TenantCreate
    from rustok.tenancy.service import TenantService, tenant_ref

    other = tenant_ref(
        await TenantService(platform).create(TenantCreate(slug="other", name="Other"))
    )
    seen: list[tuple[int, uuid.UUID | None]] = []

    async def handle(payload: Ticked, envelope: Envelope, uow: UnitOfWork) -> None:
        seen.append((payload.n, current_context().tenant_id))

    runner = ConsumerRunner(ConsumerSpec("test.tenants", (Ticked,), handle, batch=True),
                            platform.db, platform.uow, lanes=1, max_attempts=1)  # fmt: skip
    mine = await _envelopes(platform, 2)
    with use_context(RequestContext(tenant=other)):
        async with platform.uow() as uow:
            theirs_id = uow.publish(Ticked(thing_id=uuid.uuid4(), n=7)).id
            await uow.commit()
    async with platform.db.read_session(all_tenants=True) as session:
        row = await session.get(OutboxEvent, theirs_id)
    assert row is not None
    theirs = Envelope(id=row.id, event_type=row.event_type, schema_version=1, tenant_id=row.tenant_id,
                      occurred_at=row.occurred_at, payload=row.payload)  # fmt: skip
    finished: list[bool] = []
    dispatcher = EventDispatcher(10)
    queue: asyncio.Queue[tuple[Envelope, DispatchTicket]] = asyncio.Queue()

    class Collector:  # stands in for the runner's lanes: the dispatcher hands tickets to it
        def enqueue(self, envelope: Envelope, ticket: DispatchTicket) -> None:
            queue.put_nowait((envelope, ticket))

    for envelope in (*mine, theirs):
        dispatcher.submit(envelope, [Collector()], finished.append)  # type: ignore[list-item]
    await runner._batch(queue, queue.get_nowait())
    assert seen == [(0, TENANT.id), (0, TENANT.id), (7, other.id)]
    assert finished == [True, True, True]
    assert dispatcher.depth == 0


async def test_a_relay_batch_reaches_a_batch_consumer_in_one_transaction(
    platform: Platform,
) -> None:
    """One lane per batch consumer (RUSTOK_CONSUMER_BATCH_LANES=1): the 12 events of one
    claim, of 12 aggregates, are handled in one transaction (one inbox timestamp). Four lanes
    cut them into about four; one-by-one consumers keep RUSTOK_CONSUMER_CONCURRENCY lanes."""
    batched, single = Recorder(name="test.batched"), Recorder(name="test.single")
    platform.consumers += [batched.spec(), single.spec(batch=False)]
    ids = await raise_events(
        platform, [uuid.uuid4() for _ in range(12)], per_thing=1, per_commit=12
    )
    runtime = runtime_of(platform)
    await runtime.start()
    try:
        await wait_until(lambda: _dispatched(platform, len(ids)), what="dispatch")
        lanes = {runner.name: runner.lanes for runner in runtime.runners}
    finally:
        await runtime.stop()
    assert lanes["test.batched"] == 1
    assert lanes["test.single"] == platform.settings.consumer_concurrency == 4
    assert sorted(e.id for e in batched.seen) == sorted(ids)
    async with platform.db.read_session(all_tenants=True) as session:
        stamps = set(
            await session.scalars(
                select(InboxRecord.handled_at).where(InboxRecord.consumer == "test.batched")
            )
        )
    assert len(stamps) == 1


async def _dispatched(platform: Platform, count: int) -> bool:
    return (await statuses(platform)).get("dispatched", 0) == count


async def test_a_backlog_is_handled_in_few_transactions_on_postgres(platform: Platform) -> None:
    """250 events of 250 aggregates waiting: on PostgreSQL one claim (five times
    RUSTOK_OUTBOX_BATCH_SIZE) reaches the batch consumer as one transaction, one inbox
    timestamp (claims of 100 and batches of 64 made at least four). SQLite keeps its
    batches of at most 64: each holds the one writer lock."""
    batched = Recorder(name="test.batched")
    platform.consumers.append(batched.spec())
    ids = await raise_events(
        platform, [uuid.uuid4() for _ in range(250)], per_thing=1, per_commit=250
    )
    runtime = runtime_of(platform)
    await runtime.start()
    try:
        await wait_until(lambda: _dispatched(platform, len(ids)), what="dispatch")
    finally:
        await runtime.stop()
    assert sorted(e.id for e in batched.seen) == sorted(ids)
    async with platform.db.read_session(all_tenants=True) as session:
        per_stamp = list(
            await session.scalars(
                select(func.count())
                .where(InboxRecord.consumer == "test.batched")
                .group_by(InboxRecord.handled_at)
            )
        )
    assert sum(per_stamp) == 250
    if platform.db.is_sqlite:
        assert max(per_stamp) <= 64 and len(per_stamp) >= 4
    else:
        assert per_stamp == [250]
