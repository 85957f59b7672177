"""Cross-process relay wake-up through PostgreSQL LISTEN/NOTIFY (PostgreSQL only)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from rustok.bootstrap import bootstrap
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
