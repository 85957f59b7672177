"""The relay behind a broker: a claimed batch is sent at once and its acks awaited together;
an event is marked dispatched only once it and its elders in the batch were acked, and the
marks are written apart from the claims (the next claim does not wait for them).

JetStream is a stand-in that answers acks only once it holds a whole batch: a relay that
waits for each ack before sending the next event of an aggregate never gets one."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from rustok.core.events import decode_envelope
from rustok.core.platform import Platform
from rustok.core.resilience import CircuitBreaker
from rustok.core.settings import Settings
from rustok.outbox.dispatcher import EventDispatcher
from rustok.outbox.models import OutboxEvent
from rustok.outbox.relay import OutboxRelay, RelayConfig
from rustok.outbox.transports.nats import NatsTransport
from tests.conftest import make_settings
from tests.outbox.support import raise_events, statuses, wait_until

pytestmark = pytest.mark.usefixtures("settled_outbox")


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, outbox_poll_interval=60)


class BatchAnsweringJetStream:
    """Stores what it is sent; answers the acks only once ``answer_after`` messages wait
    for one. ``refuse`` holds event ids whose next ack is an error (nothing stored)."""

    def __init__(self, answer_after: int) -> None:
        self.answer_after = answer_after
        self.refuse: set[uuid.UUID] = set()
        self.sent: list[uuid.UUID] = []
        self._unanswered: list[tuple[uuid.UUID, asyncio.Future[None]]] = []

    async def publish_async(self, subject: str, data: bytes, **_: Any) -> asyncio.Future[None]:
        event_id = decode_envelope(data).id
        self.sent.append(event_id)
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._unanswered.append((event_id, ack))
        if len(self._unanswered) >= self.answer_after:
            for waiting_id, waiting in self._unanswered:
                if waiting_id in self.refuse:
                    self.refuse.discard(waiting_id)
                    waiting.set_exception(RuntimeError("stream refused the message"))
                else:
                    waiting.set_result(None)
            self._unanswered = []
        return ack

    async def publish(self, subject: str, data: bytes, **_: Any) -> None:
        # A publish that waits for its own ack (what the relay did for every event).
        await (await self.publish_async(subject, data))


def _transport(js: BatchAnsweringJetStream) -> NatsTransport:
    transport = NatsTransport(
        "nats://unused", EventDispatcher(100), CircuitBreaker("nats-test"), timeout=0.5
    )
    transport._js = js
    transport._nc = type("Client", (), {"is_connected": True})()
    transport._ready.set()
    return transport


def _relay(platform: Platform, transport: NatsTransport, batch_size: int = 100) -> OutboxRelay:
    config = RelayConfig(batch_size=batch_size, poll_interval=60)
    relay = OutboxRelay(platform.db, transport, transport.dispatcher, config)
    relay.listener = None  # only the wakes below
    return relay


async def _rows(platform: Platform, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[str, int]]:
    async with platform.db.read_session(all_tenants=True) as session:
        rows = await session.execute(
            select(OutboxEvent.id, OutboxEvent.status, OutboxEvent.attempts).where(
                OutboxEvent.id.in_(ids)
            )
        )
        return {row.id: (row.status, row.attempts) for row in rows}


async def _counts(platform: Platform, wanted: dict[str, int]) -> bool:
    return await statuses(platform) == wanted


async def test_a_refused_event_and_its_aggregates_later_ones_are_published_later_in_order(
    platform: Platform,
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    a1, b1, a2, b2, a3, b3 = await raise_events(platform, [a, b], per_thing=3)
    js = BatchAnsweringJetStream(answer_after=6)
    js.refuse = {a2}
    relay = _relay(platform, _transport(js))
    relay.start()
    try:
        relay.wake()
        await wait_until(
            lambda: _counts(platform, {"dispatched": 4, "pending": 2}), what="the first batch"
        )
        # All six went out before any ack came back; a3 was acked, but its elder was not.
        assert js.sent == [a1, b1, a2, b2, a3, b3]
        assert await _rows(platform, [a1, b1, a2, b2, a3, b3]) == {
            a1: ("dispatched", 0),
            b1: ("dispatched", 0),
            b2: ("dispatched", 0),
            b3: ("dispatched", 0),
            a2: ("pending", 1),
            a3: ("pending", 1),
        }
        js.answer_after = 2
        async with platform.db.writer(), platform.db.write_engine.begin() as conn:
            await conn.execute(  # due now rather than after the back-off
                update(OutboxEvent).where(OutboxEvent.id.in_([a2, a3])).values(next_attempt_at=None)
            )
        relay.wake()
        await wait_until(lambda: _counts(platform, {"dispatched": 6}), what="the second batch")
    finally:
        await relay.stop_claiming()
        await relay.stop()
    assert js.sent[6:] == [a2, a3]  # the elder first, then the one that waited for it


async def test_the_next_claim_does_not_wait_for_the_marks(platform: Platform) -> None:
    ids = await raise_events(platform, [uuid.uuid4(), uuid.uuid4()], per_thing=2)
    js = BatchAnsweringJetStream(answer_after=1)
    relay = _relay(platform, _transport(js), batch_size=2)
    marking = asyncio.Event()
    marks: list[list[uuid.UUID]] = []
    mark_dispatched = relay.store.mark_dispatched

    async def held_marks(ids: Sequence[uuid.UUID]) -> None:
        await marking.wait()
        marks.append(list(ids))
        await mark_dispatched(ids)

    relay.store.mark_dispatched = held_marks  # type: ignore[method-assign]
    relay.start()
    try:
        relay.wake()
        await wait_until(lambda: _all_sent(js, 4), what="both batches sent, marks held")
        assert await statuses(platform) == {"pending": 4}
        marking.set()
        await wait_until(lambda: _counts(platform, {"dispatched": 4}), what="the marks")
    finally:
        await relay.stop_claiming()
        await relay.stop()
    assert js.sent == ids
    assert sorted(event_id for batch in marks for event_id in batch) == sorted(ids)


async def _all_sent(js: BatchAnsweringJetStream, count: int) -> bool:
    return len(js.sent) >= count
