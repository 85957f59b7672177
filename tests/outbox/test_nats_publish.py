"""The NATS publish path: the first attempt goes straight to JetStream, and only a timeout
is tried again (the rest of the retry policy); no server needed: JetStream is a stand-in."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import pytest
from nats.errors import TimeoutError as NatsTimeoutError

from rustok.core.events import Envelope
from rustok.core.ids import new_id
from rustok.core.resilience import CircuitBreaker
from rustok.outbox.claims import ClaimedEvent
from rustok.outbox.dispatcher import EventDispatcher
from rustok.outbox.transports.nats import NatsTransport


class ScriptedJetStream:
    """Answers each publish with the next scripted outcome (None: stored)."""

    def __init__(self, outcomes: list[BaseException | None]) -> None:
        self.outcomes = outcomes
        self.subjects: list[str] = []

    async def publish(self, subject: str, data: bytes, **_: Any) -> None:
        self.subjects.append(subject)
        outcome = self.outcomes.pop(0)
        if outcome is not None:
            raise outcome

    async def publish_async(self, subject: str, data: bytes, **_: Any) -> asyncio.Future[None]:
        self.subjects.append(subject)
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        outcome = self.outcomes.pop(0)
        if outcome is None:
            ack.set_result(None)
        else:
            ack.set_exception(outcome)
        return ack


def _transport(js: ScriptedJetStream) -> NatsTransport:
    transport = NatsTransport(
        "nats://unused", EventDispatcher(100), CircuitBreaker("nats"), timeout=0.5
    )
    transport._js = js
    transport._nc = type("Client", (), {"is_connected": True})()
    return transport


def _event() -> ClaimedEvent:
    envelope = Envelope(
        id=new_id(), event_type="test.ticked", schema_version=1, tenant_id=uuid.uuid4(),
        occurred_at=dt.datetime.now(dt.UTC), payload={"thing_id": str(uuid.uuid4()), "n": 0},
    )  # fmt: skip
    return ClaimedEvent(envelope, attempts=0, replays=0)


async def test_a_publish_that_timed_out_is_tried_again() -> None:
    js = ScriptedJetStream([NatsTimeoutError(), None])
    results = await _transport(js).publish([_event()], lambda *_: None)
    assert results == [None]
    assert len(js.subjects) == 2


async def test_a_publish_gives_up_after_the_policys_attempts() -> None:
    js = ScriptedJetStream([NatsTimeoutError(), NatsTimeoutError(), NatsTimeoutError()])
    (result,) = await _transport(js).publish([_event()], lambda *_: None)
    assert isinstance(result, NatsTimeoutError)
    assert len(js.subjects) == 3  # the policy's 3 attempts in all


@pytest.mark.parametrize("error", [ConnectionError("refused")], ids=["other-error"])
async def test_other_publish_errors_are_not_tried_again(error: BaseException) -> None:
    js = ScriptedJetStream([error])
    (result,) = await _transport(js).publish([_event()], lambda *_: None)
    assert result is error
    assert len(js.subjects) == 1


class AnsweringOnceAllSent(ScriptedJetStream):
    """Answers no ack before every scripted message was sent: a publish that waits for its
    ack before sending the next one waits in vain."""

    def __init__(self, outcomes: list[BaseException | None]) -> None:
        super().__init__(outcomes)
        self.expected = len(outcomes)
        self._acks: list[tuple[asyncio.Future[None], BaseException | None]] = []

    async def publish(self, subject: str, data: bytes, **_: Any) -> None:
        await (await self.publish_async(subject, data))

    async def publish_async(self, subject: str, data: bytes, **_: Any) -> asyncio.Future[None]:
        self.subjects.append(subject)
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._acks.append((ack, self.outcomes.pop(0) if self.outcomes else None))
        if len(self._acks) == self.expected:
            for waiting, outcome in self._acks:
                if outcome is None:
                    waiting.set_result(None)
                else:
                    waiting.set_exception(outcome)
        return ack


def _events_of(aggregate: uuid.UUID, count: int) -> list[ClaimedEvent]:
    events = []
    for n in range(count):
        envelope = Envelope(
            id=new_id(), event_type="test.ticked", schema_version=1, tenant_id=uuid.uuid4(),
            occurred_at=dt.datetime.now(dt.UTC), payload={"thing_id": str(aggregate), "n": n},
            aggregate_id=aggregate,
        )  # fmt: skip
        events.append(ClaimedEvent(envelope, attempts=0, replays=0))
    return events


async def test_a_batch_is_sent_whole_before_its_acks_are_awaited() -> None:
    events = _events_of(uuid.uuid4(), 4)
    js = AnsweringOnceAllSent([None] * 4)
    assert await _transport(js).publish(events, lambda *_: None) == [None] * 4
    assert len(js.subjects) == 4  # each sent once: no ack timed out


async def test_an_aggregates_events_after_a_refused_one_are_not_published() -> None:
    mine, other = _events_of(uuid.uuid4(), 3), _events_of(uuid.uuid4(), 2)
    refused = ConnectionError("refused")
    # Sent in this order: mine[0], other[0], mine[1] (refused), other[1], mine[2] (stored).
    batch = [mine[0], other[0], mine[1], other[1], mine[2]]
    js = AnsweringOnceAllSent([None, None, refused, None, None])
    results = await _transport(js).publish(batch, lambda *_: None)
    assert results == [None, None, refused, None, refused]
    assert len(js.subjects) == 5
