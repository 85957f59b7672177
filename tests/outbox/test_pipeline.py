"""Outbox -> relay -> memory transport -> consumers, on SQLite and PostgreSQL (E-3..E-6)."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections import defaultdict
from pathlib import Path

import msgspec
import pytest
from opentelemetry import context as otel_context
from prometheus_client import REGISTRY, generate_latest
from sqlalchemy import select

from rustok.core.context import RequestContext, use_context
from rustok.core.errors import NotFound
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.core.telemetry import start_trace
from rustok.outbox import consumers
from rustok.outbox.claims import to_claimed
from rustok.outbox.consumers import ConsumerRunner
from rustok.outbox.dispatcher import EventDispatcher
from rustok.outbox.metrics import EVENTS_DISPATCHED
from rustok.outbox.models import DeadLetter, OutboxEvent
from rustok.outbox.service import NothingToReplay, list_events, outbox_status, replay_event
from rustok.outbox.store import OutboxStore
from tests.conftest import make_settings
from tests.outbox.support import (
    TENANT,
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


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        db_url, tmp_path, outbox_poll_interval=0.05, outbox_lease_seconds=2,
        consumer_max_attempts=3,
    )  # fmt: skip


async def _all_dispatched(platform: Platform, total: int) -> bool:
    return (await statuses(platform)).get("dispatched", 0) == total


async def test_each_event_handled_once_in_aggregate_order(platform: Platform) -> None:
    recorder = Recorder()
    platform.consumers.append(recorder.spec())
    runtime = runtime_of(platform)
    before = EVENTS_DISPATCHED.labels("test.ticked", recorder.name)._value.get()
    await runtime.start()
    try:
        things = [uuid.uuid4() for _ in range(4)]
        ids = await raise_events(platform, things, per_thing=25, per_commit=7)
        await wait_until(lambda: _all_dispatched(platform, len(ids)), what="dispatch")
    finally:
        await runtime.stop()
    assert sorted(e.id for e in recorder.seen) == sorted(ids)  # each once
    by_thing: defaultdict[uuid.UUID, list[int]] = defaultdict(list)
    for envelope in recorder.seen:
        assert envelope.aggregate_id is not None
        by_thing[envelope.aggregate_id].append(envelope.payload["n"])
    assert all(ns == list(range(25)) for ns in by_thing.values()), by_thing
    assert await inbox_count(platform, recorder.name) == len(ids)
    after = EVENTS_DISPATCHED.labels("test.ticked", recorder.name)._value.get()
    assert after - before == len(ids)
    assert runtime.dispatcher.depth == 0


async def test_redelivery_has_no_second_effect(platform: Platform) -> None:
    recorder = Recorder()
    runner = ConsumerRunner(recorder.spec(), platform.db, platform.uow, lanes=1, max_attempts=1)
    ids = await raise_events(platform, [uuid.uuid4()], per_thing=1)
    async with platform.db.read_session(all_tenants=True) as session:
        row = await session.get(OutboxEvent, ids[0])
        assert row is not None
    envelope = to_claimed(row).envelope
    assert await runner.process(envelope) is True
    assert await runner.process(envelope) is True  # duplicate: recorded, nothing done
    assert [e.id for e in recorder.seen] == ids
    assert await inbox_count(platform, recorder.name) == 1


async def test_failures_retry_then_park_then_replay(platform: Platform) -> None:
    recorder = Recorder(failures_left={1: 2, 3: 99})  # n=1 recovers, n=3 never does
    platform.consumers.append(recorder.spec())
    runtime = runtime_of(platform)
    await runtime.start()
    try:
        ids = await raise_events(platform, [uuid.uuid4()], per_thing=5)
        await wait_until(lambda: _all_dispatched(platform, 5), what="dispatch")
        assert [e.payload["n"] for e in recorder.seen] == [0, 1, 2, 4]
        (letter,) = await dead_letters(platform, recorder.name)
        assert letter.event_id == ids[3]
        assert letter.status == "parked" and letter.attempts == 3
        assert "planned failure of n=3" in letter.error
        assert letter.envelope["payload"]["n"] == 3

        status = await outbox_status(platform)
        (lag,) = [c for c in status.consumers if c.name == recorder.name]
        assert (lag.name, lag.parked, lag.unhandled) == (recorder.name, 1, 0)
        listed = await list_events(platform, event_type="test.ticked")
        assert [e.parked_by for e in listed if e.id == ids[3]] == [[recorder.name]]

        with pytest.raises(NothingToReplay):
            await replay_event(platform, ids[0])  # handled by everyone
        recorder.failures_left[3] = 0
        result = await replay_event(platform, ids[3])
        assert (result.previous_status, result.consumers) == ("dispatched", [recorder.name])
        await wait_until(lambda: _seen(recorder, 5), what="replayed event handled")
        await wait_until(lambda: _all_dispatched(platform, 5), what="dispatch after replay")
    finally:
        await runtime.stop()
    assert sorted(e.payload["n"] for e in recorder.seen) == [0, 1, 2, 3, 4]
    (letter,) = await dead_letters(platform, recorder.name)
    assert letter.status == "replayed" and letter.replayed_at is not None
    async with platform.db.read_session(all_tenants=True) as session:
        row = await session.get(OutboxEvent, ids[3])
        assert row is not None and row.replays == 1


async def _seen(recorder: Recorder, n: int) -> bool:
    return len(recorder.seen) >= n


async def test_failed_outbox_row_is_replayed(platform: Platform) -> None:
    recorder = Recorder()
    platform.consumers.append(recorder.spec())
    (event_id,) = await raise_events(platform, [uuid.uuid4()], per_thing=1)
    store = OutboxStore(platform.db, max_attempts=3)
    assert await store.record_failures([(event_id, 2, "broker said no")]) == 1
    assert await statuses(platform) == {"failed": 1}
    assert (await outbox_status(platform)).failed == 1
    runtime = runtime_of(platform)
    await runtime.start()
    try:
        result = await replay_event(platform, event_id)
        assert result.previous_status == "failed" and result.consumers == []
        await wait_until(lambda: _all_dispatched(platform, 1), what="replayed row dispatched")
    finally:
        await runtime.stop()
    assert [e.id for e in recorder.seen] == [event_id]
    with pytest.raises(NotFound):
        await replay_event(platform, uuid.uuid4())


async def test_undecodable_payload_is_parked(platform: Platform) -> None:
    recorder = Recorder()
    runner = ConsumerRunner(recorder.spec(), platform.db, platform.uow, lanes=1, max_attempts=3)
    (event_id,) = await raise_events(platform, [uuid.uuid4()], per_thing=1)
    async with platform.db.read_session(all_tenants=True) as session:
        row = await session.get(OutboxEvent, event_id)
        assert row is not None
    broken = to_claimed(row).envelope
    broken = msgspec.structs.replace(broken, payload={"thing_id": "nope", "n": -1})
    assert await runner.process(broken) is True
    async with platform.db.read_session(all_tenants=True) as session:
        letter = await session.scalar(select(DeadLetter))
    assert letter is not None and "INVALID_EVENT" not in letter.error
    assert letter.error.startswith("EventValidationError")
    assert recorder.seen == []


async def test_events_raised_by_a_consumer_chain_to_their_cause(platform: Platform) -> None:
    recorder = Recorder(echo=True)
    platform.consumers.append(recorder.spec())
    runtime = runtime_of(platform)
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    correlation = uuid.uuid4()
    await runtime.start()
    try:
        with use_context(
            RequestContext(tenant=TENANT, traceparent=traceparent, correlation_id=correlation)
        ):
            token = otel_context.attach(start_trace({"traceparent": traceparent}))
            try:
                async with platform.uow() as uow:
                    cause = uow.publish(Ticked(thing_id=uuid.uuid4(), n=7))
                    await uow.commit()
            finally:
                otel_context.detach(token)
        await wait_until(lambda: _echo_count(platform, 1), what="echoed event")
    finally:
        await runtime.stop()
    async with platform.db.read_session(all_tenants=True) as session:
        echo = await session.scalar(
            select(OutboxEvent).where(OutboxEvent.event_type == "test.echoed")
        )
    assert echo is not None
    assert echo.causation_id == cause.id
    assert echo.correlation_id == correlation == cause.correlation_id
    assert echo.tenant_id == cause.tenant_id
    assert cause.traceparent is not None and echo.traceparent is not None
    trace_id = traceparent.split("-")[1]
    assert cause.traceparent.split("-")[1] == trace_id
    assert echo.traceparent.split("-")[1] == trace_id  # the consumer continued the trace
    assert echo.traceparent != cause.traceparent  # under a span of its own


async def _echo_count(platform: Platform, n: int) -> bool:
    return (await statuses(platform, "test.echoed")).get("pending", 0) + (
        await statuses(platform, "test.echoed")
    ).get("dispatched", 0) >= n


async def test_order_guard_holds_a_junior_until_its_elder_is_handled(platform: Platform) -> None:
    """Behind a broker an aggregate's events can arrive out of order (redelivery after a
    crash): the junior waits beside the lane and runs right after its elder."""
    recorder = Recorder()
    runner = ConsumerRunner(
        recorder.spec(), platform.db, platform.uow, lanes=2, max_attempts=1,
        order_guard=True, order_wait=5,
    )  # fmt: skip
    thing = uuid.uuid4()
    ids = await raise_events(platform, [thing], per_thing=3)
    async with platform.db.read_session(all_tenants=True) as session:
        rows = {r.id: r for r in await session.scalars(select(OutboxEvent))}
    envelopes = [to_claimed(rows[i]).envelope for i in ids]
    dispatcher = EventDispatcher(100)
    outcomes: dict[int, bool] = {}
    runner.start()
    try:
        for index in (2, 1, 0):  # newest first
            dispatcher.submit(
                envelopes[index], [runner], functools.partial(outcomes.__setitem__, index)
            )

        async def all_finished() -> bool:  # (seen is recorded before the commit ends)
            return len(outcomes) == 3

        await wait_until(all_finished, what="all three handled")
    finally:
        await runner.stop()
    assert [e.payload["n"] for e in recorder.seen] == [0, 1, 2]
    assert outcomes == {0: True, 1: True, 2: True}
    assert dispatcher.depth == 0


async def test_order_guard_gives_a_junior_back_when_its_elder_is_elsewhere(
    platform: Platform,
) -> None:
    recorder = Recorder()
    runner = ConsumerRunner(
        recorder.spec(), platform.db, platform.uow, lanes=1, max_attempts=1,
        order_guard=True, order_wait=0.2,
    )  # fmt: skip
    ids = await raise_events(platform, [uuid.uuid4()], per_thing=2)
    async with platform.db.read_session(all_tenants=True) as session:
        junior = to_claimed(await session.get_one(OutboxEvent, ids[1])).envelope
    dispatcher = EventDispatcher(100)
    outcomes: list[bool] = []
    runner.start()
    try:
        dispatcher.submit(junior, [runner], outcomes.append)

        async def given_back() -> bool:
            return outcomes == [False]

        await wait_until(given_back, within=5, what="the junior handed back unrecorded")
    finally:
        await runner.stop()
    assert recorder.seen == [] and dispatcher.depth == 0


async def test_event_metrics_are_exported(platform: Platform) -> None:
    recorder = Recorder()
    platform.consumers.append(recorder.spec())
    runtime = runtime_of(platform)
    await runtime.start()
    try:
        await raise_events(platform, [uuid.uuid4()], per_thing=3)
        await wait_until(lambda: _all_dispatched(platform, 3), what="dispatch")
        await runtime._relay_check()  # refreshes the outbox gauges
    finally:
        await runtime.stop()
    exposition = generate_latest(REGISTRY).decode()
    for name in (
        'rustok_events_published_total{event_type="test.ticked"}',
        'rustok_events_dispatched_total{consumer="test.recorder",event_type="test.ticked"}',
        "rustok_events_failed_total",
        "rustok_outbox_pending 0.0",
        "rustok_outbox_oldest_pending_seconds 0.0",
        "rustok_event_queue_depth 0.0",
        "rustok_event_backpressure_state 0.0",
        'rustok_event_consumer_lag_seconds_count{consumer="test.recorder"}',
        'rustok_circuit_breaker_state{dependency="nats"} 0.0',
    ):
        assert name in exposition, name


async def test_clean_stop_gives_unfinished_claims_back_without_an_attempt(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consumers, "STOP_GRACE_SECONDS", 0.2)  # the handlers never finish
    gate = asyncio.Event()
    recorder = Recorder(gate=gate)
    platform.consumers.append(recorder.spec())
    runtime = runtime_of(platform)
    await runtime.start()
    ids = await raise_events(platform, [uuid.uuid4() for _ in range(20)], per_thing=1)

    async def all_taken() -> bool:
        return runtime.relay.in_flight == 20

    await wait_until(all_taken, what="the relay taking every row")
    await runtime.stop()  # consumers are blocked: nothing was handled
    async with platform.db.read_session(all_tenants=True) as session:
        rows = list(await session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids))))
    assert {(r.status, r.claimed_by, r.attempts, r.next_attempt_at) for r in rows} == {
        ("pending", None, 0, None)
    }
    assert recorder.seen == []


async def test_stop_lets_busy_consumers_finish_the_events_in_hand(platform: Platform) -> None:
    gate = asyncio.Event()
    recorder = Recorder(gate=gate)
    platform.consumers.append(recorder.spec())
    runtime = runtime_of(platform)
    await runtime.start()
    ids = await raise_events(platform, [uuid.uuid4()], per_thing=1)
    (runner,) = [r for r in runtime.runners if r.name == recorder.name]

    async def handling() -> bool:
        return runner.in_hand == 1

    await wait_until(handling, what="the consumer taking the event")
    stopping = asyncio.create_task(runtime.stop())
    await asyncio.sleep(0.3)
    assert not stopping.done()  # waiting for the handler, not cancelling it
    gate.set()
    await asyncio.wait_for(stopping, 5)
    assert [e.id for e in recorder.seen] == ids
    assert await inbox_count(platform, recorder.name) == 1
    assert runner.in_hand == 0
