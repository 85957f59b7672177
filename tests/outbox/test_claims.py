"""Claims (E-4): several relays never take the same row; abandoned claims are taken over
after the lease; one aggregate's rows are handed over in order. Both databases."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

import pytest

from rustok.core.consumer import ConsumerSpec
from rustok.core.db import Database
from rustok.core.platform import CheckResult, Platform
from rustok.outbox.claims import ClaimedEvent, make_claimer
from rustok.outbox.consumers import ConsumerRunner
from rustok.outbox.dispatcher import EventDispatcher
from rustok.outbox.relay import OutboxRelay, RelayConfig
from rustok.outbox.store import OutboxStore
from rustok.outbox.transports.base import HandledCallback
from tests.conftest import count_queries
from tests.outbox.support import raise_events, statuses, wait_until

pytestmark = pytest.mark.usefixtures("settled_outbox")


class RecordingTransport:
    """A durable fake broker that records every publish (with a little latency).

    With a ``rendezvous``, each relay's first publish waits (holding its claim) until every
    relay sharing it has published once: all of them take part, however the scheduler and
    SQLite's lock favour one.
    """

    name = "recording"
    durable = True

    def __init__(self, log: list[uuid.UUID], rendezvous: asyncio.Barrier | None = None) -> None:
        self.log = log
        self.rendezvous = rendezvous

    async def start(
        self, runners: Sequence[ConsumerRunner], subscribers: Sequence[ConsumerSpec] = ()
    ) -> None: ...

    async def stop(self) -> None: ...

    async def publish(
        self, events: Sequence[ClaimedEvent], on_handled: HandledCallback
    ) -> list[BaseException | None]:
        await asyncio.sleep(0.001)
        self.log.extend(e.envelope.id for e in events)
        if self.rendezvous is not None:
            await self.rendezvous.wait()
            self.rendezvous = None
        return [None] * len(events)

    async def wait_until_available(self) -> None: ...

    async def health(self) -> CheckResult:
        return CheckResult("ok")


async def test_concurrent_claims_are_disjoint(platform: Platform) -> None:
    ids = await raise_events(platform, [uuid.uuid4() for _ in range(300)], per_thing=2)
    ids += await raise_events(platform, [uuid.uuid4()], per_thing=100)
    dbs = [Database(platform.db.url), Database(platform.db.url)]
    claimers = [make_claimer(db, f"claimer-{i}", lease_seconds=60) for i, db in enumerate(dbs)]
    taken: list[list[uuid.UUID]] = [[], []]

    async def drain(i: int) -> None:
        store = OutboxStore(dbs[i], max_attempts=10)
        idle = 0
        while idle < 3:
            claimed = await claimers[i].claim(25)
            taken[i].extend(c.envelope.id for c in claimed)
            if claimed:
                idle = 0
                await store.mark_dispatched([c.envelope.id for c in claimed])
            else:
                idle += 1
                await asyncio.sleep(0.01)

    try:
        await asyncio.gather(drain(0), drain(1))
    finally:
        for db in dbs:
            await db.dispose()
    assert taken[0] and taken[1], "both claimers must have taken rows"
    assert not set(taken[0]) & set(taken[1])
    assert sorted(taken[0] + taken[1]) == sorted(ids)


async def test_two_relays_publish_every_row_exactly_once(platform: Platform) -> None:
    ids = await raise_events(platform, [uuid.uuid4() for _ in range(50)], per_thing=20)
    published: list[uuid.UUID] = []
    dbs = [Database(platform.db.url), Database(platform.db.url)]
    # A batch holds fewer aggregates than there are, so the other relay always finds some.
    config = RelayConfig(batch_size=20, poll_interval=0.02, lease_seconds=60)
    both = asyncio.Barrier(2)
    relays = [
        OutboxRelay(db, RecordingTransport(published, both), EventDispatcher(), config)
        for db in dbs
    ]
    for relay in relays:
        relay.start()
    try:

        async def done() -> bool:
            return (await statuses(platform)).get("dispatched", 0) == len(ids)

        await wait_until(done, what="both relays draining the outbox")
    finally:
        for relay, db in zip(relays, dbs, strict=True):
            await relay.stop()
            await db.dispose()
    assert relays[0].published > 0 and relays[1].published > 0
    assert len(published) == len(set(published)) == len(ids)  # none went out twice
    assert set(published) == set(ids)
    position = {event_id: i for i, event_id in enumerate(published)}
    # Each aggregate's rows reach the transport in the order they were raised.
    for thing in range(50):
        mine = ids[thing::50]
        assert [position[e] for e in mine] == sorted(position[e] for e in mine)


async def test_abandoned_claim_is_taken_over_after_the_lease(platform: Platform) -> None:
    ids = await raise_events(platform, [uuid.uuid4() for _ in range(10)], per_thing=1)
    dead = make_claimer(platform.db, "relay-killed", lease_seconds=0.5)
    alive = make_claimer(platform.db, "relay-alive", lease_seconds=0.5)
    assert [c.envelope.id for c in await dead.claim(100)] == ids
    assert await alive.claim(100) == []  # still leased to the dead relay
    await asyncio.sleep(0.6)
    taken = await alive.claim(100)
    assert [c.envelope.id for c in taken] == ids
    assert all(c.attempts == 0 for c in taken)


async def test_a_younger_event_waits_for_its_aggregate(platform: Platform) -> None:
    thing, other = uuid.uuid4(), uuid.uuid4()
    first, second = await raise_events(platform, [thing], per_thing=2)
    (unrelated,) = await raise_events(platform, [other], per_thing=1)
    a = make_claimer(platform.db, "relay-a", lease_seconds=60)
    b = make_claimer(platform.db, "relay-b", lease_seconds=60)
    assert [c.envelope.id for c in await a.claim(1)] == [first]
    # b must not take `second` while `first` is held by a: it gets only the unrelated row.
    assert [c.envelope.id for c in await b.claim(100)] == [unrelated]
    store = OutboxStore(platform.db, max_attempts=10)
    await store.record_failures([(first, 0, "boom")])  # first now backs off
    assert await b.claim(100) == []  # first is backing off: second still waits
    await store.mark_dispatched([first])
    assert [c.envelope.id for c in await b.claim(100)] == [second]


async def test_a_relay_is_not_blocked_by_rows_it_holds(platform: Platform) -> None:
    thing = uuid.uuid4()
    first, second, third = await raise_events(platform, [thing], per_thing=3)
    a = make_claimer(platform.db, "relay-a", lease_seconds=60)
    b = make_claimer(platform.db, "relay-b", lease_seconds=60)
    assert [c.envelope.id for c in await a.claim(1)] == [first]
    assert await b.claim(100) == []  # first is a's: the others wait for it
    # a hands its rows over in order itself, so it may take the juniors now.
    assert [c.envelope.id for c in await a.claim(100)] == [second, third]


async def test_relays_made_together_do_not_share_claims(platform: Platform) -> None:
    # Relays made in one millisecond once got the same clock-derived token, so each took
    # the younger rows of an aggregate the other held and published them side by side.
    first, second = await raise_events(platform, [uuid.uuid4()], per_thing=2)
    relays = [
        OutboxRelay(platform.db, RecordingTransport([]), EventDispatcher()) for _ in range(20)
    ]
    assert len({relay.token for relay in relays}) == len(relays)
    a, b = relays[0].claimer, relays[1].claimer
    assert [c.envelope.id for c in await a.claim(1)] == [first]
    assert await b.claim(100) == []  # second waits for a, whoever b is
    assert [c.envelope.id for c in await a.claim(100)] == [second]


async def test_a_claim_is_one_statement(platform: Platform) -> None:
    thing = uuid.uuid4()
    first, second = await raise_events(platform, [thing], per_thing=2)
    (unrelated,) = await raise_events(platform, [uuid.uuid4()], per_thing=1)
    a = make_claimer(platform.db, "relay-a", lease_seconds=60)
    b = make_claimer(platform.db, "relay-b", lease_seconds=60)
    with count_queries(platform.db) as counter:
        assert [c.envelope.id for c in await a.claim(1)] == [first]
        # Locked by the statement but held back for its aggregate's elder: not claimed.
        assert [c.envelope.id for c in await b.claim(100)] == [unrelated]
    assert counter.count == 2, counter.statements
    assert all(s.lstrip().startswith(("UPDATE", "WITH")) for s in counter.statements)
    assert await b.claim(100) == []  # second is still held back for first
    await OutboxStore(platform.db, max_attempts=10).mark_dispatched([first])
    assert [c.envelope.id for c in await b.claim(100)] == [second]
