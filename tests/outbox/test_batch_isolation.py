"""Batches isolate a failing event (the rest commits together, the failed one is retried and
parked alone, its aggregate's younger events after it) and keep each aggregate's order, with
and without the broker's order guard."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from rustok.core.consumer import ConsumerSpec
from rustok.core.events import NIL_UUID, Envelope
from rustok.core.ids import new_id
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.outbox.claims import to_claimed
from rustok.outbox.consumers import ConsumerRunner
from rustok.outbox.dispatcher import DispatchTicket, EventDispatcher
from rustok.outbox.models import DeadLetter, OutboxEvent
from tests.outbox.support import Ticked, dead_letters, inbox_count, raise_events

pytestmark = pytest.mark.usefixtures("settled_outbox")
Lane = asyncio.Queue[tuple[Envelope, DispatchTicket]]


class Handled:
    """A handler recording, once committed, (thing, n, transaction) of each event, and
    whether the failing event was already parked when a younger one of its thing ran."""

    def __init__(self, platform: Platform, fail: set[tuple[uuid.UUID, int]]) -> None:
        self.platform = platform
        self.fail = fail
        self.committed: list[tuple[uuid.UUID, int, uuid.UUID]] = []
        self.parked_before: dict[tuple[uuid.UUID, int], bool] = {}

    async def handle(self, payload: Ticked, envelope: Envelope, uow: UnitOfWork) -> None:
        if (payload.thing_id, payload.n) in self.fail:
            raise RuntimeError(f"planned failure of n={payload.n}")
        if any(thing == payload.thing_id and n < payload.n for thing, n in self.fail):
            parked = await uow.session.scalar(
                select(DeadLetter.id).where(DeadLetter.consumer == "test.isolation")
            )
            self.parked_before[(payload.thing_id, payload.n)] = parked is not None
        transaction: uuid.UUID = uow.session.info.setdefault("test.transaction", uuid.uuid4())

        async def record() -> None:
            self.committed.append((payload.thing_id, payload.n, transaction))

        uow.on_commit(record)

    def spec(self) -> ConsumerSpec:
        return ConsumerSpec("test.isolation", (Ticked,), self.handle, max_attempts=2)


async def _envelopes(platform: Platform, ids: Sequence[uuid.UUID]) -> list[Envelope]:
    async with platform.db.read_session(all_tenants=True) as session:
        rows = {
            r.id: r
            for r in await session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids)))
        }
    return [to_claimed(rows[i]).envelope for i in ids]


def _lane(envelopes: Sequence[Envelope], finished: list[bool]) -> Lane:
    """The envelopes queued in one lane, with tickets of a real dispatcher."""
    queue: Lane = asyncio.Queue()
    dispatcher = EventDispatcher(100)

    class Collector:  # stands in for the runner's lanes: the dispatcher hands tickets to it
        def enqueue(self, envelope: Envelope, ticket: DispatchTicket) -> None:
            queue.put_nowait((envelope, ticket))

    for envelope in envelopes:
        dispatcher.submit(envelope, [Collector()], finished.append)  # type: ignore[list-item]
    return queue


def _order_by_thing(
    committed: list[tuple[uuid.UUID, int, uuid.UUID]],
) -> dict[uuid.UUID, list[int]]:
    by_thing: dict[uuid.UUID, list[int]] = {}
    for thing, n, _ in committed:
        by_thing.setdefault(thing, []).append(n)
    return by_thing


@pytest.mark.parametrize("order_guard", [False, True], ids=["memory", "broker"])
async def test_a_failing_event_is_isolated_and_the_rest_commits_as_a_batch(
    platform: Platform, order_guard: bool
) -> None:
    things = [uuid.uuid4() for _ in range(3)]
    failing = things[0]
    # n = 0..3 of three things, interleaved: 0a 0b 0c 1a 1b 1c ...
    ids = await raise_events(platform, things, per_thing=4, per_commit=12)
    handled = Handled(platform, fail={(failing, 1)})
    runner = ConsumerRunner(handled.spec(), platform.db, platform.uow, lanes=1, max_attempts=2,
                            order_guard=order_guard)  # fmt: skip
    finished: list[bool] = []
    queue = _lane(await _envelopes(platform, ids), finished)
    await runner._batch(queue, queue.get_nowait())

    assert finished == [True] * 12 and queue.empty()
    (letter,) = await dead_letters(platform, "test.isolation")
    assert letter.event_id == ids[3] and letter.attempts == 2  # (failing, 1): alone, parked
    assert await inbox_count(platform, "test.isolation") == 11
    # Every other thing's events, and the failing thing's elder, committed in one transaction.
    batch = {t for thing, n, t in handled.committed if thing != failing or n == 0}
    assert len(batch) == 1
    assert sorted((thing, n) for thing, n, t in handled.committed if t in batch) == sorted(
        [(thing, n) for thing in things[1:] for n in range(4)] + [(failing, 0)]
    )
    # The failing thing's younger events ran after it was parked, in order, one by one.
    alone = [(n, t) for thing, n, t in handled.committed if thing == failing and n > 0]
    assert [n for n, _ in alone] == [2, 3] and len({t for _, t in alone} | batch) == 3
    assert handled.parked_before == {(failing, 2): True, (failing, 3): True}
    assert _order_by_thing(handled.committed) == {
        failing: [0, 2, 3],
        things[1]: [0, 1, 2, 3],
        things[2]: [0, 1, 2, 3],
    }


async def test_broker_batch_handles_an_aggregate_in_id_order(platform: Platform) -> None:
    thing, other = uuid.uuid4(), uuid.uuid4()
    ids = await raise_events(platform, [thing], per_thing=3)
    other_id = (await raise_events(platform, [other], per_thing=1))[0]
    envelopes = await _envelopes(platform, [ids[2], ids[0], other_id, ids[1]])  # redelivered
    handled = Handled(platform, fail=set())
    runner = ConsumerRunner(handled.spec(), platform.db, platform.uow, lanes=1, max_attempts=2,
                            order_guard=True)  # fmt: skip
    finished: list[bool] = []
    queue = _lane(envelopes, finished)
    await runner._batch(queue, queue.get_nowait())

    assert finished == [True] * 4
    assert _order_by_thing(handled.committed) == {thing: [0, 1, 2], other: [0]}
    assert len({t for _, _, t in handled.committed}) == 1  # one transaction


async def test_broker_batch_holds_back_an_aggregate_whose_elder_is_unhandled(
    platform: Platform,
) -> None:
    thing, other = uuid.uuid4(), uuid.uuid4()
    ids = await raise_events(platform, [thing], per_thing=3)
    other_id = (await raise_events(platform, [other], per_thing=1))[0]
    everything = await _envelopes(platform, [*ids, other_id])
    handled = Handled(platform, fail=set())
    runner = ConsumerRunner(handled.spec(), platform.db, platform.uow, lanes=1, max_attempts=2,
                            order_guard=True, order_wait=60)  # fmt: skip
    finished: list[bool] = []
    queue = _lane(everything[1:], finished)  # n=1, n=2 and the other thing; n=0 elsewhere
    await runner._batch(queue, queue.get_nowait())

    # The other thing is handled; n=1 waits for its elder and n=2 with it (not finished).
    assert finished == [True] and handled.committed[0][:2] == (other, 0)
    assert await inbox_count(platform, "test.isolation") == 1
    # The elder arrives here: handled, and its juniors are queued again at once, in order.
    elder = _lane(everything[:1], finished)
    await runner._handle(queue, *elder.get_nowait())
    assert queue.qsize() == 2
    await runner._batch(queue, queue.get_nowait())
    assert finished == [True] * 4
    assert _order_by_thing(handled.committed) == {other: [0], thing: [0, 1, 2]}
    assert await inbox_count(platform, "test.isolation") == 4


async def test_broker_redelivery_in_the_same_batch_has_no_second_effect(
    platform: Platform,
) -> None:
    thing = uuid.uuid4()
    first, second = await _envelopes(platform, await raise_events(platform, [thing], per_thing=2))
    handled = Handled(platform, fail=set())
    runner = ConsumerRunner(handled.spec(), platform.db, platform.uow, lanes=1, max_attempts=2,
                            order_guard=True)  # fmt: skip
    finished: list[bool] = []
    queue = _lane([first, first, second], finished)  # the broker redelivered the first
    await runner._batch(queue, queue.get_nowait())
    assert finished == [True, True] and queue.qsize() == 1  # the copy: after the batch
    await runner._handle(queue, *queue.get_nowait())
    assert finished == [True] * 3
    assert _order_by_thing(handled.committed) == {thing: [0, 1]}
    assert await inbox_count(platform, "test.isolation") == 2


async def test_broker_guard_looks_above_the_newest_event_it_let_through(
    platform: Platform,
) -> None:
    """After n=0 and n=1, the guard of n=3 looks only above n=1 (their elders were checked
    then), and still finds n=2 missing there."""
    thing = uuid.uuid4()
    e0, e1, e2, e3 = await _envelopes(platform, await raise_events(platform, [thing], per_thing=4))
    handled = Handled(platform, fail=set())
    runner = ConsumerRunner(handled.spec(), platform.db, platform.uow, lanes=1, max_attempts=2,
                            order_guard=True, order_wait=60)  # fmt: skip
    finished: list[bool] = []
    queue = _lane([e0, e1], finished)
    await runner._batch(queue, queue.get_nowait())
    assert finished == [True, True]
    assert runner._checked.floor(thing, e3.id) == e1.id
    assert runner._checked.floor(thing, e0.id) == NIL_UUID  # an older one: no floor

    queue = _lane([e3], finished)
    await runner._batch(queue, queue.get_nowait())
    assert finished == [True, True]  # n=3 waits for n=2
    assert runner._checked.floor(thing, e3.id) == e1.id
    elder = _lane([e2], finished)
    await runner._handle(queue, *elder.get_nowait())
    assert queue.qsize() == 1  # n=3, given back at once
    await runner._handle(queue, *queue.get_nowait())
    assert finished == [True] * 4
    assert _order_by_thing(handled.committed) == {thing: [0, 1, 2, 3]}
    assert runner._checked.floor(thing, new_id()) == e3.id


@pytest.mark.parametrize("together", [False, True], ids=["alone", "in-a-batch"])
async def test_broker_records_an_unwanted_event_at_once_and_keeps_the_order(
    platform: Platform, together: bool
) -> None:
    """An event the filter has nothing to do for is recorded at once, without waiting for
    its elder (it runs nothing); the old runner held it back with its aggregate. A wanted
    junior still waits for that elder, and runs after it."""
    thing = uuid.uuid4()
    e0, e1, e2 = await _envelopes(platform, await raise_events(platform, [thing], per_thing=3))
    handled = Handled(platform, fail=set())

    async def wants(_db: object, envelope: Envelope, _received: float) -> bool:
        return envelope.id != e1.id

    spec = ConsumerSpec("test.isolation", (Ticked,), handled.handle, wants=wants)
    runner = ConsumerRunner(spec, platform.db, platform.uow, lanes=1, max_attempts=2,
                            order_guard=True, order_wait=60)  # fmt: skip
    finished: list[bool] = []
    queue = _lane([e1, e2] if together else [e1], finished)
    await runner._handle(queue, *queue.get_nowait())
    if not together:
        await runner._handle(queue, *_lane([e2], finished).get_nowait())

    assert finished == [True]  # n=1 recorded; n=2 waits for n=0
    assert await inbox_count(platform, "test.isolation") == 1
    assert handled.committed == []
    await runner._handle(queue, *_lane([e0], finished).get_nowait())
    assert queue.qsize() == 1  # n=2, given back once n=0 was handled
    await runner._handle(queue, *queue.get_nowait())
    assert finished == [True] * 3
    assert _order_by_thing(handled.committed) == {thing: [0, 2]}
    assert await inbox_count(platform, "test.isolation") == 3
