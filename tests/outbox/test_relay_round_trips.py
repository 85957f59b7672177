"""What the relay spends per wake: one claim when it takes all there is, and on PostgreSQL
single statements without ``BEGIN``/``COMMIT`` and a one-statement pre-ping.

At a steady trickle (one commit every few milliseconds) the relay's fixed cost per wake is
most of an event's latency: a second, empty claim after each one that drained the outbox,
another after each mark of finished events, and three round trips of ping plus two of
``BEGIN``/``COMMIT`` around every one-statement write."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.outbox.claims import ClaimedEvent, PostgresClaimer, make_claimer
from rustok.outbox.consumers import ConsumerRunner
from rustok.outbox.dispatcher import EventDispatcher
from rustok.outbox.relay import OutboxRelay, RelayConfig
from rustok.outbox.store import OutboxStore
from rustok.outbox.transports.memory import MemoryTransport
from tests.conftest import _asyncpg_dsn, make_settings
from tests.outbox.support import Recorder, driver_queries, raise_events, statuses, wait_until

pytestmark = pytest.mark.usefixtures("settled_outbox")


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, outbox_poll_interval=60)


async def test_one_claim_per_wake_when_it_takes_all_there_is(platform: Platform) -> None:
    """Three events, one wake: one claim. The old relay claimed again at once on PostgreSQL
    (an empty claim), and once more after marking the events dispatched (both databases)."""
    recorder = Recorder()
    runner, relay = await _memory_relay(platform, recorder)
    claims: list[int] = []
    claim = relay.claimer.claim

    async def counted(limit: int, *first: Any) -> list[ClaimedEvent]:
        taken = await claim(limit, *first)
        claims.append(len(taken))
        return taken

    relay.claimer.claim = counted  # type: ignore[method-assign]
    runner.start()
    relay.start()
    try:
        await wait_until(lambda: _claimed(claims, 1), what="the relay's start-up claim")
        ids = await raise_events(platform, [uuid.uuid4()], per_thing=3)
        relay.wake()
        await wait_until(lambda: _dispatched(platform, 3), what="the events marked dispatched")
        await asyncio.sleep(0.3)  # room for any further claim the marks would trigger
    finally:
        await relay.stop_claiming()
        await runner.stop()
        await relay.stop()
    assert [e.id for e in recorder.seen] == ids
    assert claims == [0, 3]


async def _memory_relay(
    platform: Platform, recorder: Recorder
) -> tuple[ConsumerRunner, OutboxRelay]:
    """A relay and one consumer over the memory transport, woken only by ``relay.wake()``
    (a commit's NOTIFY would wake it too), neither started."""
    dispatcher = EventDispatcher()
    runner = ConsumerRunner(recorder.spec(), platform.db, platform.uow, lanes=1, max_attempts=1)
    transport = MemoryTransport(dispatcher)
    await transport.start([runner])
    relay = OutboxRelay(platform.db, transport, dispatcher, RelayConfig(poll_interval=60))
    relay.listener = None
    return runner, relay


async def _claimed(claims: list[int], count: int) -> bool:
    return len(claims) >= count


async def _dispatched(platform: Platform, count: int) -> bool:
    return (await statuses(platform)).get("dispatched", 0) == count


async def test_a_claim_cut_short_by_the_order_check_is_not_drained(platform: Platform) -> None:
    """A younger event held back by its elder (claimed by another relay) does not make a
    full claim look like the last one: the relay claims again at once and takes the rest."""
    held = uuid.uuid4()
    first, second = await raise_events(platform, [held], per_thing=2)
    others = await raise_events(platform, [uuid.uuid4() for _ in range(3)], per_thing=1)
    other_relay = make_claimer(platform.db, "relay-other", lease_seconds=60)
    assert [c.envelope.id for c in await other_relay.claim(1)] == [first]
    claimer = make_claimer(platform.db, "relay-mine", lease_seconds=60)
    taken = [c.envelope.id for c in await claimer.claim(2)]
    if isinstance(claimer, PostgresClaimer):
        # Two rows locked (second, others[0]); second waits for its elder: one returned.
        assert taken == others[:1]
    else:  # the order check comes before SQLite's LIMIT
        assert taken == others[:2]
    assert claimer.drained is False
    claims = 1
    while not claimer.drained and claims < 10:  # as the relay does: claim until drained
        taken += [c.envelope.id for c in await claimer.claim(2)]
        claims += 1
    assert taken == others  # nothing claimable was left behind by a claim called drained
    assert second not in taken


# SQLite's writes need their BEGIN IMMEDIATE (core/db/engines.py), and its pool does not ping.
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_relay_writes_are_single_statements_on_postgres(platform: Platform) -> None:
    """A claim and a mark are one statement each: no ``BEGIN`` and ``COMMIT`` around them."""
    ids = await raise_events(platform, [uuid.uuid4() for _ in range(3)], per_thing=1)
    claimer = make_claimer(platform.db, "relay-mine", lease_seconds=60)
    store = OutboxStore(platform.db, max_attempts=10)
    with driver_queries(platform) as claim_queries:
        taken = await claimer.claim(100)
    with driver_queries(platform) as mark_queries:
        await store.mark_dispatched([c.envelope.id for c in taken])
    assert sorted(c.envelope.id for c in taken) == sorted(ids)
    # asyncpg logs what it sends as text (BEGIN, COMMIT, ROLLBACK, its type introspection),
    # not the prepared statements: a one-statement write in autocommit sends no BEGIN.
    control = {"BEGIN", "START", "COMMIT", "END", "ROLLBACK"}
    sent = [q.split()[0].upper().rstrip(";") for q in claim_queries + mark_queries]
    assert not control & set(sent), claim_queries + mark_queries
    assert (await statuses(platform)).get("dispatched", 0) == 3


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_pool_pings_with_one_statement_on_postgres(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-ping of a checkout is one ``;``, not ``BEGIN``, ``;``, ``ROLLBACK``."""
    from rustok.core.db import engines

    monkeypatch.setattr(engines, "FRESH_SECONDS", 0.0)  # pinged however recently given back
    seen: list[str] = []

    def log(record: Any) -> None:
        seen.append(record.query.strip())

    async with platform.db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        adapted: Any = raw.dbapi_connection
        driver.add_query_logger(log)
        try:
            alive = await conn.run_sync(lambda sync: sync.dialect.do_ping(adapted))
        finally:
            driver.remove_query_logger(log)
    assert alive is True
    assert seen == [";"]


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_a_connection_given_back_a_moment_ago_is_not_pinged_on_postgres(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout moments after the connection came back skips the pre-ping (one round trip
    of four in a short transaction); one that waited longer is pinged, and one the server
    closed is replaced, as before."""
    from rustok.core.db import engines

    seen: list[str] = []
    engine = platform.db.engine

    async def checked_out() -> Any:
        """Check a connection out and in; the asyncpg connection it was."""
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            return raw.driver_connection

    driver = await checked_out()
    driver.add_query_logger(lambda record: seen.append(record.query.strip()))
    assert await checked_out() is driver  # the same pooled connection, not pinged
    assert seen == []
    monkeypatch.setattr(engines, "FRESH_SECONDS", 0.0)
    assert await checked_out() is driver
    assert seen == [";"]  # back too long ago: pinged
    monkeypatch.undo()

    other = await asyncpg.connect(_asyncpg_dsn(platform.db.url))
    try:  # the server ends the pooled connection's session
        await other.execute("SELECT pg_terminate_backend($1)", driver.get_server_pid())
    finally:
        await other.close()
    await wait_until(_closed(driver), what="the driver to see its connection closed")
    replacement = await checked_out()
    assert replacement is not driver and not replacement.is_closed()


def _closed(driver: Any) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return bool(driver.is_closed())

    return check


async def test_on_sqlite_a_claim_marks_what_was_handled_since(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite, memory transport: the events the consumers finished are marked dispatched in
    the relay's next claim, not in a write transaction of their own (the flusher's, here
    held off); on PostgreSQL a claim is one autocommit statement and marks nothing."""
    monkeypatch.setattr("rustok.outbox.relay.FLUSH_DELAY", 3600.0)
    runner, relay = await _memory_relay(platform, Recorder())
    runner.start()
    relay.start()
    try:
        await raise_events(platform, [uuid.uuid4()], per_thing=2)
        relay.wake()
        await wait_until(lambda: _held_marks(relay, 2), what="two events handled, not marked")
        [third] = await raise_events(platform, [uuid.uuid4()], per_thing=1)
        relay.wake()
        await wait_until(lambda: _handled(relay, third), what="the third event handled")
        found = await statuses(platform)
    finally:
        await relay.stop_claiming()
        await runner.stop()
        await relay.stop()
    if platform.db.is_sqlite:
        assert found == {"dispatched": 2, "pending": 1}
    else:
        assert found == {"pending": 3}
    assert await statuses(platform) == {"dispatched": 3}  # the stop marks the rest


async def _held_marks(relay: OutboxRelay, count: int) -> bool:
    await asyncio.sleep(0)
    return len(relay._handled) == count


async def _handled(relay: OutboxRelay, event_id: uuid.UUID) -> bool:
    await asyncio.sleep(0)
    return event_id in relay._handled
