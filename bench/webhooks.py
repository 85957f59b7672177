"""Webhooks: deliveries per second and commit-to-delivery latency (W-3).

Figures, on SQLite and on a private PostgreSQL (tests/services), memory transport, one
process running the relay, the consumers (``webhooks.dispatch``) and the sender:

- throughput: a backlog of committed events drained outbox -> relay -> dispatch consumer
  -> sender -> a loopback receiver answering 204 at once (4 in flight), in deliveries/s to
  that receiver; once with it alone, once with a slow endpoint (answers after 10 s)
  subscribed to everything too; with the CPU time of the process (relay, consumer, sender
  and the receiver) per delivery, which a loaded machine inflates less than the rate;
- latency: events committed at a steady 200/s (2 every 10 ms) for a few seconds, with a
  healthy endpoint and a slow one (answers after 10 s) subscribed to everything; commit
  returned -> the healthy receiver has read the request, p50/p99, with the rate the
  committing loop actually held (a loaded machine may fall short of 200/s: then it says so).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.modules.webhooks.receiver import Receiver, receiving
from tests.outbox.support import Ticked
from tests.services import start_postgres

from bench.events import _create_pg_database
from bench.harness import BENCH_SECRET, print_table
from rustok.bootstrap import bootstrap, load_all_settings
from rustok.cli.migrate import migrate_and_seed
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.platform import Platform
from rustok.modules.webhooks.schemas import WebhookCreate
from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime
from rustok.tenancy.models import DEFAULT_TENANT_ID

BACKLOG = 2000
RATE = 200
LATENCY_SECONDS = 6
TENANT = TenantRef(
    id=DEFAULT_TENANT_ID, slug="default", name="Default", enabled_modules=frozenset({"webhooks"})
)


@asynccontextmanager
async def platform_for(db_url: str, data: Path) -> AsyncIterator[Platform]:
    settings = load_all_settings(
        environ={}, warn=False, database_url=db_url, data_dir=str(data), secret_key=BENCH_SECRET,
        log_level="error", webhooks_allow_private=True,
    )  # fmt: skip
    await migrate_and_seed(settings)
    platform = bootstrap(settings)
    try:
        yield platform
    finally:
        await platform.aclose()


async def endpoint(platform: Platform, url: str) -> None:
    with use_context(RequestContext(tenant=TENANT)):
        await webhooks_runtime(platform).endpoints.create(
            WebhookCreate(url=url, event_types=["test.ticked"])
        )


async def commit(platform: Platform, count: int) -> list[uuid.UUID]:
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.uow() as uow:
            ids = [uow.publish(Ticked(thing_id=uuid.uuid4(), n=0)).id for _ in range(count)]
            await uow.commit()
    return ids


async def wait_for(receiver: Receiver, count: int, limit: float) -> None:
    deadline = time.monotonic() + limit
    while len(set(receiver.ids())) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(set(receiver.ids()))} of {count} delivered")
        await asyncio.sleep(0.01)


async def throughput(db_url: str, data: Path, *, with_slow: bool = False) -> str:
    async with (
        platform_for(db_url, data) as platform,
        receiving(status=204) as receiver,
        receiving(status=204, delay=10.0) as slow,
    ):
        await endpoint(platform, receiver.url)
        if with_slow:
            await endpoint(platform, slow.url)
        for _ in range(BACKLOG // 100):
            await commit(platform, 100)
        started, cpu = time.monotonic(), time.process_time()
        await platform.start_background()
        await wait_for(receiver, BACKLOG, 300)
        elapsed = time.monotonic() - started
        cpu_ms = (time.process_time() - cpu) * 1000 / BACKLOG
        slow_sent = len(slow.received)
        await platform.stop_background()
    others = (
        f"a slow endpoint present, {slow_sent} requests to it meanwhile"
        if with_slow
        else "one endpoint"
    )
    return (
        f"{BACKLOG / elapsed:,.0f} deliveries/s, {cpu_ms:.1f} ms CPU of this process each "
        f"(backlog of {BACKLOG:,} events; {others})"
    )


async def throughput_with_slow(db_url: str, data: Path) -> str:
    return await throughput(db_url, data, with_slow=True)


async def latency(db_url: str, data: Path) -> str:
    async with (
        platform_for(db_url, data) as platform,
        receiving(status=204) as healthy,
        receiving(status=204, delay=10.0) as slow,
    ):
        await endpoint(platform, healthy.url)
        await endpoint(platform, slow.url)
        await platform.start_background()
        committed: dict[str, float] = {}
        per_tick, tick = 2, 2 / RATE
        started = next_at = time.monotonic()
        for _ in range(int(LATENCY_SECONDS / tick)):
            for event_id in await commit(platform, per_tick):
                committed[str(event_id)] = time.monotonic()
            next_at += tick
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        held = len(committed) / (time.monotonic() - started)
        await wait_for(healthy, len(committed), 120)
        arrived = {r.headers["webhook-id"]: r.at for r in healthy.received}
        slow_sent = len(slow.received)
        await platform.stop_background()
    lags = sorted((arrived[i] - t) * 1000 for i, t in committed.items())
    p99 = lags[int(len(lags) * 0.99) - 1]
    return (
        f"p50 {statistics.median(lags):.1f} ms, p99 {p99:.1f} ms at {RATE} events/s planned, "
        f"{held:.0f}/s held ({len(lags):,} events; the slow endpoint got {slow_sent} "
        "requests meanwhile)"
    )


def run() -> None:
    rows: list[tuple[str, str]] = []
    postgres = start_postgres()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for database in ("sqlite", "postgres"):
                for figure, measure in (
                    ("throughput", throughput),
                    ("throughput, slow endpoint present", throughput_with_slow),
                    ("latency, slow endpoint present", latency),
                ):
                    data = Path(tmp) / f"{database}-{measure.__name__}"
                    data.mkdir()
                    url = (
                        f"sqlite+aiosqlite:///{data}/bench.db"
                        if database == "sqlite"
                        else asyncio.run(_create_pg_database(postgres.url))
                    )
                    result = asyncio.run(measure(url, data))
                    rows.append((f"{database}: {figure}", result))
                    print(f"  {database}: {figure}: {result}", flush=True)
    finally:
        postgres.close()
    print_table("webhooks: commit -> dispatch consumer -> sender -> loopback receiver", rows)


if __name__ == "__main__":
    run()
