"""Event backbone: throughput, commit-to-consume latency and breaker rejection cost.

Figures, for each of memory/NATS x SQLite/PostgreSQL (private servers from tests/services):

- throughput: a backlog of committed events drained outbox -> relay -> transport -> the
  probe consumer, one by one (inbox row + commit per event) or in batches (the default),
  in events/s; the platform's own consumers run too (``webhooks.dispatch`` takes every
  event type, and skips the tenant, which has no endpoint);
- latency: one process commits events at a steady 500/s (5 every 10 ms) while its relay and
  consumer run; commit-to-consume p50/p99 (commit returned -> handler running);
- NATS throughput with the relay and the consumers in two processes, as ``rustok worker
  --only relay`` and ``rustok worker --only consumers`` run them (a broker only: the memory
  transport hands events to its own process), the backlog drained from the relay's start
  to the last event reaching the probe in the other process;
- the circuit breaker's cost per rejected call while open (goal < 0.1 ms).

Each process freezes its heap after start-up, as ``rustok serve`` and ``rustok worker`` do:
full collections walking the start-up objects were a fifth of the CPU per event.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import asyncpg
from tests.outbox.support import Ticked
from tests.services import Service, start_nats, start_postgres

from bench.harness import BENCH_SECRET, print_table
from rustok.bootstrap import bootstrap, load_all_settings
from rustok.cli.migrate import migrate_and_seed
from rustok.cli.worker import WorkerPart, limit_to
from rustok.core.consumer import ConsumerSpec
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.events import Envelope
from rustok.core.platform import Platform
from rustok.core.resilience import CircuitBreaker, CircuitOpenError
from rustok.core.settings import Settings
from rustok.core.uow import UnitOfWork
from rustok.outbox.event_runtime import EventRuntime
from rustok.tenancy.models import DEFAULT_TENANT_ID

BACKLOG = 5000
RATE = 500
LATENCY_SECONDS = 6
TENANT = TenantRef(id=DEFAULT_TENANT_ID, slug="default", name="Default")


class Probe:
    """The benchmark consumer: remembers when each event reached it."""

    def __init__(self) -> None:
        self.handled: dict[uuid.UUID, float] = {}
        self.done = asyncio.Event()
        self.expected = 0

    async def handle(self, payload: Ticked, envelope: Envelope, uow: UnitOfWork) -> None:
        self.handled[envelope.id] = time.perf_counter()
        if len(self.handled) >= self.expected:
            self.done.set()


def _fresh_database(database: str, data: Path, postgres_url: str) -> str:
    """A new empty database of the kind ``database`` names, for one figure."""
    if database == "sqlite":
        return f"sqlite+aiosqlite:///{data}/bench.db"
    return asyncio.run(_create_pg_database(postgres_url))


async def _create_pg_database(admin_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    dsn = admin_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def _settings(
    db_url: str, data: Path, transport: str, nats_url: str | None, stream: str | None = None
) -> Settings:
    extra: dict[str, Any] = {"log_level": "error", "event_queue_size": 10_000}
    if transport == "nats":
        extra.update(nats_url=nats_url, nats_stream=stream or f"B{uuid.uuid4().hex[:8].upper()}")
    settings: Settings = load_all_settings(
        environ={}, warn=False, database_url=db_url, data_dir=str(data),
        secret_key=BENCH_SECRET, event_transport=transport, **extra,
    )  # fmt: skip
    return settings


@asynccontextmanager
async def platform_for(
    db_url: str, data: Path, transport: str, nats_url: str | None, batch: bool = False
) -> AsyncIterator[tuple[Platform, Probe]]:
    settings = _settings(db_url, data, transport, nats_url)
    await migrate_and_seed(settings)
    platform = bootstrap(settings)
    gc.freeze()  # as `rustok serve` and `rustok worker` do once started
    probe = Probe()
    platform.consumers.append(ConsumerSpec("bench.probe", (Ticked,), probe.handle, batch=batch))
    try:
        yield platform, probe
    finally:
        await platform.aclose()


async def commit(platform: Platform, count: int, things: list[uuid.UUID]) -> list[uuid.UUID]:
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.uow() as uow:
            ids = [
                uow.publish(Ticked(thing_id=things[i % len(things)], n=i)).id for i in range(count)
            ]
            await uow.commit()
    return ids


async def throughput(platform: Platform, probe: Probe) -> float:
    things = [uuid.uuid4() for _ in range(200)]
    for _ in range(BACKLOG // 100):
        await commit(platform, 100, things)
    probe.expected = BACKLOG
    runtime = platform.events
    assert isinstance(runtime, EventRuntime)
    started = time.perf_counter()
    await runtime.start()
    await asyncio.wait_for(probe.done.wait(), 300)
    elapsed = time.perf_counter() - started
    await runtime.stop()
    return BACKLOG / elapsed


async def latency(platform: Platform, probe: Probe) -> tuple[float, float, int]:
    runtime = platform.events
    assert isinstance(runtime, EventRuntime)
    await runtime.start()
    things = [uuid.uuid4() for _ in range(200)]
    committed: dict[uuid.UUID, float] = {}
    per_tick, tick = 5, 5 / RATE
    ticks = int(LATENCY_SECONDS / tick)
    probe.expected = ticks * per_tick
    probe.handled.clear()
    probe.done.clear()
    next_at = time.perf_counter()
    for _ in range(ticks):
        for event_id in await commit(platform, per_tick, things):
            committed[event_id] = time.perf_counter()
        next_at += tick
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    await asyncio.wait_for(probe.done.wait(), 120)
    await runtime.stop()
    lags = sorted((probe.handled[i] - t) * 1000 for i, t in committed.items())
    p99 = lags[int(len(lags) * 0.99) - 1]
    return statistics.median(lags), p99, len(lags)


def _consumers_only(db_url: str, data: Path, nats_url: str, stream: str, link: Any) -> None:
    """The other process of :func:`split_throughput`: the consumers (the probe among them)."""

    async def consume() -> None:
        platform = bootstrap(_settings(db_url, data, "nats", nats_url, stream))
        gc.freeze()
        probe = Probe()
        probe.expected = BACKLOG
        platform.consumers.append(ConsumerSpec("bench.probe", (Ticked,), probe.handle))
        limit_to(platform, WorkerPart.consumers)
        runtime = platform.events
        assert isinstance(runtime, EventRuntime)
        try:
            await runtime.start()
            link.send("ready")
            await asyncio.wait_for(probe.done.wait(), 300)
            link.send(time.perf_counter())  # CLOCK_MONOTONIC: comparable across processes
            await runtime.stop()
        finally:
            await platform.aclose()

    asyncio.run(consume())


async def split_throughput(platform: Platform, probe: Probe, data: Path) -> float:
    """NATS, the relay here and the consumers in a process of their own."""
    settings = platform.settings
    assert settings.nats_url is not None
    things = [uuid.uuid4() for _ in range(200)]
    for _ in range(BACKLOG // 100):
        await commit(platform, 100, things)
    mine, theirs = multiprocessing.get_context("spawn").Pipe()
    other = multiprocessing.get_context("spawn").Process(
        target=_consumers_only,
        args=(settings.database_url, data, settings.nats_url, settings.nats_stream, theirs),
    )
    other.start()
    try:
        await asyncio.to_thread(_expect, mine, "ready")
        limit_to(platform, WorkerPart.relay)
        runtime = platform.events
        assert isinstance(runtime, EventRuntime)
        started = time.perf_counter()
        await runtime.start()
        finished = float(str(await asyncio.to_thread(_expect, mine)))
        await runtime.stop()
    finally:
        other.join(60)
        if other.is_alive():
            other.kill()
    return BACKLOG / (finished - started)


def _expect(link: Any, wanted: object = None) -> object:
    if not link.poll(300):
        raise TimeoutError("the consumers' process did not answer")
    got = link.recv()
    if wanted is not None and got != wanted:
        raise RuntimeError(f"the consumers' process said {got!r}")
    return got


def breaker_rejection_cost(calls: int = 200_000) -> float:
    async def failing() -> None:
        raise ConnectionError("down")

    async def measure() -> float:
        breaker = CircuitBreaker("bench")
        for _ in range(5):
            try:  # noqa: SIM105 - same shape as the timed loop below
                await breaker.call(failing)
            except ConnectionError:
                pass
        started = time.perf_counter()
        for _ in range(calls):
            try:  # noqa: SIM105 - try/except is cheaper than suppress() in the timed loop
                await breaker.call(failing)
            except CircuitOpenError:
                pass
        return (time.perf_counter() - started) / calls * 1e6

    return asyncio.run(measure())


@contextmanager
def servers() -> Iterator[tuple[Service, Service]]:
    postgres, nats = start_postgres(), start_nats()
    try:
        yield postgres, nats
    finally:
        postgres.close()
        nats.close()


def run() -> None:
    rows: list[tuple[str, str]] = []
    with servers() as (postgres, nats), tempfile.TemporaryDirectory() as tmp:
        for database in ("sqlite", "postgres"):
            for transport, batch in (("memory", False), ("memory", True), ("nats", True)):
                how = "batches" if batch else "one by one"
                label = f"{transport} transport, {how}, {database}"
                for figure in ("throughput", "latency"):
                    data = Path(tmp) / f"{database}-{transport}-{batch}-{figure}"
                    data.mkdir()
                    url = _fresh_database(database, data, postgres.url)
                    result = asyncio.run(_one(figure, url, data, transport, nats.url, batch))
                    rows.append((f"{label}: {figure}", result))
                    print(f"  {label}: {figure}: {result}", flush=True)
            label = f"nats transport, batches, relay and consumers in two processes, {database}"
            data = Path(tmp) / f"{database}-nats-split"
            data.mkdir()
            url = _fresh_database(database, data, postgres.url)
            result = asyncio.run(_one("split", url, data, "nats", nats.url, True))
            rows.append((f"{label}: throughput", result))
            print(f"  {label}: throughput: {result}", flush=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows.append(("machine load average at the end (1, 5, 15 min)", load))
    cost = breaker_rejection_cost()
    rows.append(("circuit breaker, rejected call while open", f"{cost:.2f} µs/call (goal < 100)"))
    print_table("events: outbox -> relay -> transport -> consumer", rows)


async def _one(
    figure: str, url: str, data: Path, transport: str, nats_url: str, batch: bool
) -> str:
    async with platform_for(url, data, transport, nats_url, batch) as (platform, probe):
        if figure == "throughput":
            rate = await throughput(platform, probe)
            return f"{rate:,.0f} events/s (backlog of {BACKLOG:,})"
        if figure == "split":
            rate = await split_throughput(platform, probe, data)
            return f"{rate:,.0f} events/s (backlog of {BACKLOG:,})"
        p50, p99, n = await latency(platform, probe)
        return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms at {RATE} events/s ({n:,} events)"


if __name__ == "__main__":
    run()
