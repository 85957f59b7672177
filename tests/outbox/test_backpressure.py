"""Backpressure end to end (E-7): a blocked consumer fills the queue to critical, the relay
stops claiming, nothing is lost, and everything drains once the consumer resumes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select

from rustok.core.events import Envelope
from rustok.core.platform import Platform
from rustok.outbox.batch_delivery import BatchOutcome
from rustok.outbox.consumers import ConsumerRunner
from rustok.outbox.dispatcher import BackpressureState, EventDispatcher
from rustok.outbox.metrics import BACKPRESSURE_STATE
from rustok.outbox.models import OutboxEvent
from rustok.outbox.relay import OutboxRelay, RelayConfig
from rustok.outbox.single_delivery import Result
from rustok.outbox.transports.memory import MemoryTransport
from tests.outbox.support import Recorder, inbox_count, raise_events, statuses, wait_until

pytestmark = pytest.mark.usefixtures("settled_outbox")


class GatedRunner(ConsumerRunner):
    """A consumer that makes no progress while its gate is closed."""

    gate: asyncio.Event

    async def attempt(self, envelope: Envelope) -> Result:
        await self.gate.wait()
        return await super().attempt(envelope)

    async def _handle_batch(self, envelopes: Sequence[Envelope]) -> BatchOutcome:
        await self.gate.wait()  # batches too
        return await super()._handle_batch(envelopes)


async def _claimed_rows(platform: Platform, token: str) -> int:
    async with platform.db.read_session(all_tenants=True) as session:
        return int(
            await session.scalar(
                select(func.count()).where(
                    OutboxEvent.claimed_by == token, OutboxEvent.status == "pending"
                )
            )
            or 0
        )


async def test_blocked_consumer_stops_the_relay_without_losing_anything(
    platform: Platform,
) -> None:
    recorder = Recorder()
    runner = GatedRunner(recorder.spec(), platform.db, platform.uow, lanes=4, max_attempts=3)
    runner.gate = asyncio.Event()
    dispatcher = EventDispatcher(100)  # warning at 70, critical at 90
    transport = MemoryTransport(dispatcher)
    relay = OutboxRelay(
        platform.db, transport, dispatcher, RelayConfig(batch_size=25, poll_interval=0.02)
    )
    ids = await raise_events(platform, [uuid.uuid4() for _ in range(400)], per_thing=1)
    runner.start()
    await transport.start([runner])
    relay.start()
    try:

        async def critical() -> bool:
            return dispatcher.state is BackpressureState.CRITICAL

        await wait_until(critical, what="queue reaching critical")
        assert BACKPRESSURE_STATE._value.get() == 2
        for _ in range(10):  # many relay rounds, woken on purpose: it must not claim more
            relay.wake()
            await asyncio.sleep(0.03)
        assert dispatcher.depth == dispatcher.critical_at == 90
        assert relay.in_flight == 90 == await _claimed_rows(platform, relay.token)
        assert await statuses(platform) == {"pending": 400}  # nothing lost, nothing done
        assert recorder.seen == []

        runner.gate.set()

        async def drained() -> bool:
            return (await statuses(platform)).get("dispatched", 0) == 400

        await wait_until(drained, what="the backlog draining")
    finally:
        await relay.stop()
        await transport.stop()
        await runner.stop()
    assert sorted(e.id for e in recorder.seen) == sorted(ids)
    assert await inbox_count(platform, recorder.name) == 400
    assert dispatcher.depth == 0 and dispatcher.state is BackpressureState.NORMAL
    assert dispatcher.peak_depth == 90 <= dispatcher.capacity
    assert await _claimed_rows(platform, relay.token) == 0
