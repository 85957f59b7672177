"""Cross-process relay wake-up through PostgreSQL LISTEN/NOTIFY (PostgreSQL only)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from rustok.bootstrap import bootstrap
from rustok.core.platform import Platform
from rustok.outbox.claims import ClaimedEvent
from rustok.outbox.event_runtime import EventRuntime
from rustok.outbox.notify import CHANNEL
from tests.conftest import PostgresDatabases, make_settings
from tests.outbox.support import Recorder, raise_events, runtime_of, wait_until


async def test_a_commit_in_another_process_wakes_the_relay_on_postgres(
    postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    """LISTEN/NOTIFY: with polling all but off, a commit made through another platform (as
    by `rustok serve` next to `rustok worker`) still reaches the consumer at once."""
    name = postgres_databases.create()
    url = postgres_databases.url_of(name)
    relay_side = bootstrap(make_settings(url, tmp_path, outbox_poll_interval=60))
    writer_side = bootstrap(make_settings(url, tmp_path))
    recorder = Recorder()
    relay_side.consumers.append(recorder.spec())
    runtime = runtime_of(relay_side)

    async def seen_three() -> bool:
        return len(recorder.seen) >= 3

    try:
        await runtime.start()
        assert runtime.relay.listener is not None
        await asyncio.wait_for(runtime.relay.listener.connected.wait(), 10)
        await asyncio.sleep(0.2)  # past the relay's first (start-up) round
        started = asyncio.get_running_loop().time()
        ids = await raise_events(writer_side, [uuid.uuid4()], per_thing=3)
        await wait_until(seen_three, within=10, what="the notified relay")
        assert asyncio.get_running_loop().time() - started < 5  # far below the 60 s poll
        assert [e.id for e in recorder.seen] == ids
    finally:
        await runtime.stop()
        await relay_side.aclose()
        await writer_side.aclose()
        postgres_databases.drop(name)


@asynccontextmanager
async def counted_relay(
    platform: Platform, recorder: Recorder, claims: list[int]
) -> AsyncIterator[EventRuntime]:
    """The platform's event runtime, started and settled, its claims counted from then on
    (the number of rows each took). Each claim takes a while, as under load: a commit's
    NOTIFY reaches the relay while the claim its hook woke runs, not before it (when it came
    first, the two wakes were one)."""
    platform.consumers.append(recorder.spec())
    runtime = runtime_of(platform)
    claim = runtime.relay.claimer.claim

    async def counted(limit: int) -> list[ClaimedEvent]:
        await asyncio.sleep(0.05)
        taken = await claim(limit)
        claims.append(len(taken))
        return taken

    runtime.relay.claimer.claim = counted  # type: ignore[method-assign]
    await runtime.start()
    try:
        assert runtime.relay.listener is not None
        await asyncio.wait_for(runtime.relay.listener.connected.wait(), 10)
        await asyncio.sleep(0.3)  # past the start-up claims (the template's pending event)
        claims.clear()
        yield runtime
    finally:
        await runtime.stop()


async def commit_and_settle(
    platform: Platform, recorder: Recorder, heard: asyncio.Queue[str]
) -> uuid.UUID:
    """One commit of one event; back once it was consumed and its NOTIFY was delivered
    (``heard``: a listener of our own), with room for the claim that NOTIFY may trigger."""
    before = len(recorder.seen)
    [event_id] = await raise_events(platform, [uuid.uuid4()], per_thing=1)

    async def consumed() -> bool:
        return len(recorder.seen) > before

    await wait_until(consumed, within=10, what="the event consumed")
    await asyncio.wait_for(heard.get(), 10)
    await asyncio.sleep(0.2)  # the relay's listener heard it too: any claim it causes
    return event_id


@asynccontextmanager
async def notifications(url: str) -> AsyncIterator[asyncio.Queue[str]]:
    """The payloads of the outbox notifications, as a relay's listener hears them."""
    heard: asyncio.Queue[str] = asyncio.Queue()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.add_listener(CHANNEL, lambda *args: heard.put_nowait(args[3]))
        yield heard
    finally:
        await conn.close()


async def test_a_commit_wakes_its_own_relay_once_on_postgres(
    postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    """A commit wakes the relay of its platform through the after-commit hook; its NOTIFY,
    which that relay hears too, no longer wakes it a second time: one claim per commit. The
    old relay claimed once more after each commit, and found nothing."""
    name = postgres_databases.create()
    url = postgres_databases.url_of(name)
    platform = bootstrap(make_settings(url, tmp_path, outbox_poll_interval=60))
    recorder = Recorder()
    claims: list[int] = []
    try:
        async with notifications(url) as heard, counted_relay(platform, recorder, claims):
            ids = [await commit_and_settle(platform, recorder, heard) for _ in range(4)]
        assert [e.id for e in recorder.seen] == ids
        assert claims == [1, 1, 1, 1]
    finally:
        await platform.aclose()
        postgres_databases.drop(name)


async def test_two_platforms_of_one_process_wake_each_others_relay_on_postgres(
    postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    """The relay ignores its own platform's notifications only: the commits of another
    platform in the same process wake it by NOTIFY (polling is all but off), once each,
    and its own platform's commits once each too."""
    name = postgres_databases.create()
    url = postgres_databases.url_of(name)
    relay_side = bootstrap(make_settings(url, tmp_path, outbox_poll_interval=60))
    writer_side = bootstrap(make_settings(url, tmp_path))
    recorder = Recorder()
    claims: list[int] = []
    try:
        async with notifications(url) as heard, counted_relay(relay_side, recorder, claims):
            ids = []
            for side in (writer_side, relay_side, writer_side, relay_side, writer_side):
                ids.append(await commit_and_settle(side, recorder, heard))
        assert [e.id for e in recorder.seen] == ids
        assert claims == [1, 1, 1, 1, 1]
    finally:
        await relay_side.aclose()
        await writer_side.aclose()
        postgres_databases.drop(name)
