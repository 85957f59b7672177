"""The dispatch queue's accounting (E-7): thresholds, latch, and slots released exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rustok.core.events import Envelope
from rustok.outbox.dispatcher import BackpressureState, DispatchTicket, EventDispatcher
from rustok.outbox.metrics import BACKPRESSURE_STATE, QUEUE_DEPTH


class FakeRunner:
    def __init__(self) -> None:
        self.tickets: list[DispatchTicket] = []

    def enqueue(self, envelope: Envelope, ticket: DispatchTicket) -> None:
        self.tickets.append(ticket)


def state_of(dispatcher: EventDispatcher) -> BackpressureState:
    return dispatcher.state  # a call, so mypy does not narrow the property


def envelope() -> Envelope:
    return Envelope(
        id=uuid.uuid4(), event_type="test.ticked", schema_version=1, tenant_id=uuid.uuid4(),
        occurred_at=dt.datetime.now(dt.UTC), payload={},
    )  # fmt: skip


def test_thresholds_and_latch() -> None:
    dispatcher = EventDispatcher(100)
    runner = FakeRunner()
    assert (dispatcher.warning_at, dispatcher.critical_at) == (70, 90)
    for _ in range(69):
        dispatcher.submit(envelope(), [runner], lambda ok: None)  # type: ignore[list-item]
    assert state_of(dispatcher) is BackpressureState.NORMAL and dispatcher.room() == 21
    dispatcher.submit(envelope(), [runner], lambda ok: None)  # type: ignore[list-item]
    assert state_of(dispatcher) is BackpressureState.WARNING
    assert BACKPRESSURE_STATE._value.get() == 1 and QUEUE_DEPTH._value.get() == 70
    for _ in range(20):
        dispatcher.submit(envelope(), [runner], lambda ok: None)  # type: ignore[list-item]
    assert state_of(dispatcher) is BackpressureState.CRITICAL and dispatcher.room() == 0
    assert BACKPRESSURE_STATE._value.get() == 2
    for ticket in runner.tickets[:20]:  # down to 70: still no room (latched)
        ticket.finish(True)
    assert state_of(dispatcher) is BackpressureState.WARNING and dispatcher.room() == 0
    runner.tickets[20].finish(True)  # 69: below warning, producers may take again
    assert dispatcher.room() == 21 and state_of(dispatcher) is BackpressureState.NORMAL


async def test_wait_for_room_wakes_when_drained_below_warning() -> None:
    dispatcher = EventDispatcher(10)
    runner = FakeRunner()
    for _ in range(dispatcher.critical_at):
        dispatcher.submit(envelope(), [runner], lambda ok: None)  # type: ignore[list-item]
    waiter = asyncio.create_task(dispatcher.wait_for_room())
    for ticket in runner.tickets[: dispatcher.critical_at - dispatcher.warning_at]:
        ticket.finish(True)
        await asyncio.sleep(0)
        assert not waiter.done()
    runner.tickets[dispatcher.critical_at - dispatcher.warning_at].finish(True)
    await asyncio.wait_for(waiter, 1)


def test_ticket_finishes_once_per_consumer_and_reports_once() -> None:
    dispatcher = EventDispatcher(10)
    runners = [FakeRunner(), FakeRunner(), FakeRunner()]
    results: list[bool] = []
    dispatcher.submit(envelope(), runners, results.append)  # type: ignore[arg-type]
    ticket = runners[0].tickets[0]
    assert all(r.tickets == [ticket] for r in runners)
    ticket.finish(True)
    ticket.finish(False)  # one consumer could not record it
    assert dispatcher.depth == 1 and results == []
    ticket.finish(True)
    assert dispatcher.depth == 0 and results == [False]
    with pytest.raises(RuntimeError, match="more often"):
        ticket.finish(True)
    assert dispatcher.depth == 0 and results == [False]


def test_event_without_consumers_takes_no_slot() -> None:
    dispatcher = EventDispatcher(10)
    results: list[bool] = []
    dispatcher.submit(envelope(), [], results.append)
    assert results == [True] and dispatcher.depth == 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("submit"), st.integers(1, 3)),
            st.tuples(st.just("finish"), st.booleans()),
        ),
        max_size=200,
    )
)
def test_depth_never_drifts(operations: list[tuple[str, object]]) -> None:
    """Depth always equals the events some consumer has not finished, and every event's
    callback runs exactly once, whatever the interleaving."""
    dispatcher = EventDispatcher(1000)
    open_tickets: list[DispatchTicket] = []
    reported: list[int] = []
    submitted = 0
    for op, arg in operations:
        if op == "submit":
            runners = [FakeRunner() for _ in range(int(arg))]  # type: ignore[call-overload]
            index = submitted
            dispatcher.submit(envelope(), runners, lambda ok, i=index: reported.append(i))  # type: ignore[arg-type, misc]
            submitted += 1
            open_tickets.extend(r.tickets[0] for r in runners)
        elif open_tickets:
            open_tickets.pop(0).finish(bool(arg))
        outstanding = {id(t) for t in open_tickets}
        assert dispatcher.depth == len(outstanding) >= 0
    for ticket in open_tickets:
        ticket.finish(True)
    assert dispatcher.depth == 0
    assert sorted(reported) == list(range(submitted))
