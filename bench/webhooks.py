"""Webhooks: deliveries per second and commit-to-delivery latency (W-3).

Three processes, so that the CPU figure is the pipeline's alone:

- the worker: the ``rustok worker`` loop (``run_worker``: relay, consumers with
  ``webhooks.dispatch``, the webhook sender, the jobs; ``tests/modules/webhooks/
  worker_actor.py``, which adds the bench's event type to the catalogue), memory transport;
- this process, committing the events (``test.ticked``, one aggregate each);
- the receivers (``bench/webhook_receivers.py``): a healthy one answering 204 at once and a
  slow one answering after 10 s (inside the 15 s timeout: it never fails, it holds its
  4 slots), both subscribed to every event, on loopback.

The worker is warmed up first (200 events delivered: first-use imports and caches are not
counted). On SQLite the worker learns of the other process' commits by polling
(``RUSTOK_OUTBOX_POLL_INTERVAL`` 0.02 s here: the latency includes up to 20 ms of it); on
PostgreSQL by ``NOTIFY``. Figures, on SQLite and on a private PostgreSQL (tests/services):

- throughput: a backlog of 2,000 events committed as fast as this process can (100 a
  transaction) while the worker runs; deliveries/s to the healthy receiver from the first
  commit to the last delivery, and the worker's CPU time (user + system, all its threads)
  per delivery;
- latency: events committed at a steady 200/s (2 every 10 ms, and in one transaction all
  that fell due while a commit waited) for 10 s: commit returned ->
  the healthy receiver has read the request, p50/p99; the rate this process held, the
  backlog (committed, not yet at the healthy receiver) when it stopped committing, and the
  worker's CPU in that time, as a share of one core and per delivery.

``RUSTOK_BENCH_WEBHOOKS_BASELINE=/path/to/another/worktree`` runs the same rows with that
tree's code in the worker too (e.g. main's), alternating with this tree's, so one run gives
before and after. The database schema must be the same. ``RUSTOK_BENCH_WEBHOOKS_DATABASES``
(``sqlite,postgres``) picks the databases; ``RUSTOK_BENCH_WEBHOOKS_PYSPY=/a/folder`` samples
the worker with py-spy (``pip install py-spy``) while each row is measured, into that folder
(py-spy's raw format: one line per stack with its count).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import func, select
from tests.outbox.support import Ticked
from tests.services import start_postgres

from bench.events import _create_pg_database
from bench.harness import BENCH_SECRET, print_table
from rustok.bootstrap import bootstrap, load_all_settings
from rustok.cli.migrate import migrate_and_seed
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.platform import Platform
from rustok.modules.webhooks.models import WebhookDelivery
from rustok.modules.webhooks.schemas import WebhookCreate
from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime
from rustok.outbox.models import OutboxEvent
from rustok.tenancy.models import DEFAULT_TENANT_ID

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 200
BACKLOG = 2000
RATE = 200
PER_TICK = 2
LATENCY_SECONDS = 10
SQLITE_POLL = "0.02"
TENANT = TenantRef(
    id=DEFAULT_TENANT_ID, slug="default", name="Default", enabled_modules=frozenset({"webhooks"})
)


@dataclass(frozen=True)
class Tree:
    """A source tree whose code runs in the worker."""

    label: str
    root: Path


class Receivers:
    """The receivers' process, asked over its stdin/stdout (bench/webhook_receivers.py)."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.webhook_receivers"], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        ports = self._line()
        self.healthy = f"http://127.0.0.1:{ports['healthy']}/hook"
        self.slow = f"http://127.0.0.1:{ports['slow']}/hook"

    def _line(self) -> Any:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the receivers exited with {self.proc.wait()}")
        return json.loads(line)

    def ask(self, command: str) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._line()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@contextmanager
def receivers() -> Iterator[Receivers]:
    running = Receivers()
    try:
        yield running
    finally:
        running.close()


class Worker:
    """The pipeline's process, running ``tree``'s code; its CPU time is measured."""

    def __init__(self, tree: Tree, db_url: str, data: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
        env.update(
            PYTHONPATH=f"{tree.root / 'src'}{os.pathsep}{tree.root}",
            RUSTOK_DATABASE_URL=db_url, RUSTOK_DATA_DIR=str(data),
            RUSTOK_SECRET_KEY=BENCH_SECRET, RUSTOK_LOG_LEVEL="warning",
            RUSTOK_WEBHOOKS_ALLOW_PRIVATE="true",
        )  # fmt: skip
        if db_url.startswith("sqlite"):
            env["RUSTOK_OUTBOX_POLL_INTERVAL"] = SQLITE_POLL
        self.log = data / f"worker-{tree.label}.log"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.modules.webhooks.worker_actor"],
                cwd=tree.root, env=env, stdout=log, stderr=log,
            )  # fmt: skip
        self.process = psutil.Process(self.proc.pid)

    def cpu(self) -> float:
        """CPU seconds so far (user + system, every thread)."""
        if self.proc.poll() is not None:
            raise RuntimeError(f"the worker exited:\n{self.log.read_text()[-3000:]}")
        times = self.process.cpu_times()
        return float(times.user + times.system)

    @contextmanager
    def sampled(self, name: str) -> Iterator[None]:
        """py-spy samples of the worker during the block, if asked for."""
        folder = os.environ.get("RUSTOK_BENCH_WEBHOOKS_PYSPY")
        if not folder:
            yield
            return
        spy = subprocess.Popen(
            [str(Path(sys.executable).parent / "py-spy"), "record", "--pid",
             str(self.proc.pid), "--rate", "200", "--nonblocking", "--gil", "--format", "raw",
             "--output", str(Path(folder) / f"{name}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(0.5)  # attached
            yield
        finally:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@asynccontextmanager
async def committer(db_url: str, data: Path) -> AsyncIterator[Platform]:
    """A platform that commits events and runs nothing in the background."""
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


async def endpoint(platform: Platform, url: str) -> uuid.UUID:
    with use_context(RequestContext(tenant=TENANT)):
        created = await webhooks_runtime(platform).endpoints.create(
            WebhookCreate(url=url, event_types=["test.ticked"])
        )
    return created.id


async def stages(platform: Platform, healthy: uuid.UUID) -> tuple[int, int]:
    """Events not yet through the consumers (memory transport: marked once all recorded,
    within 20 ms), and the healthy endpoint's deliveries not yet recorded as sent."""
    async with platform.db.read_session(all_tenants=True) as session:
        events = await session.scalar(select(func.count()).where(OutboxEvent.status == "pending"))
        deliveries = await session.scalar(
            select(func.count()).where(
                WebhookDelivery.endpoint_id == healthy, WebhookDelivery.status == "pending"
            )
        )
    return int(events or 0), int(deliveries or 0)


async def commit(platform: Platform, count: int) -> list[uuid.UUID]:
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.uow() as uow:
            ids = [uow.publish(Ticked(thing_id=uuid.uuid4(), n=0)).id for _ in range(count)]
            await uow.commit()
    return ids


async def wait_for(hooks: Receivers, worker: Worker, count: int, limit: float) -> None:
    deadline = time.monotonic() + limit
    while (got := hooks.ask("count")) < count:
        worker.cpu()  # raises if the worker died
        if time.monotonic() > deadline:
            raise TimeoutError(f"{got} of {count} delivered")
        await asyncio.sleep(0.02)


@dataclass
class Setup:
    platform: Platform
    hooks: Receivers
    worker: Worker
    healthy: uuid.UUID


Measure = Callable[[Setup], Awaitable[str]]


async def measured(tree: Tree, db_url: str, data: Path, measure: Measure) -> str:
    """Endpoints (healthy and slow), a warmed-up worker, then ``measure``."""
    async with committer(db_url, data) as platform:
        with receivers() as hooks:
            healthy = await endpoint(platform, hooks.healthy)
            await endpoint(platform, hooks.slow)
            worker = Worker(tree, db_url, data)
            try:
                for _ in range(WARM_UP // 100):
                    await commit(platform, 100)
                await wait_for(hooks, worker, WARM_UP, 120)
                hooks.ask("reset")
                with worker.sampled(f"{data.name}-{tree.label.replace(' ', '-')}"):
                    return await measure(Setup(platform, hooks, worker, healthy))
            finally:
                worker.stop()


async def throughput(setup: Setup) -> str:
    started, cpu = time.monotonic(), setup.worker.cpu()
    for _ in range(BACKLOG // 100):
        await commit(setup.platform, 100)
    await wait_for(setup.hooks, setup.worker, BACKLOG, 300)
    elapsed = time.monotonic() - started
    cpu_ms = (setup.worker.cpu() - cpu) * 1000 / BACKLOG
    return (
        f"{BACKLOG / elapsed:,.0f} deliveries/s, {cpu_ms:.2f} ms worker CPU each "
        f"(backlog of {BACKLOG:,}; slow endpoint got {setup.hooks.ask('slow')} requests)"
    )


async def latency(setup: Setup) -> str:
    committed: dict[str, float] = {}
    tick = PER_TICK / RATE
    cpu = setup.worker.cpu()
    started = time.monotonic()
    total = RATE * LATENCY_SECONDS
    while len(committed) < total:
        # The events due by now, in one transaction: a commit that waited for the write lock
        # (SQLite, with the worker writing) is caught up by the next, so the rate holds.
        due = min(int((time.monotonic() - started) * RATE) + PER_TICK, total) - len(committed)
        if due > 0:
            for event_id in await commit(setup.platform, due):
                committed[str(event_id)] = time.monotonic()
        await asyncio.sleep(max(0.0, started + (len(committed) + PER_TICK) / RATE - tick
                                - time.monotonic()))  # fmt: skip
    window = time.monotonic() - started
    window_cpu = setup.worker.cpu() - cpu
    backlog = len(committed) - setup.hooks.ask("count")
    undispatched, unsent = await stages(setup.platform, setup.healthy)
    await wait_for(setup.hooks, setup.worker, len(committed), 300)
    cpu_ms = (setup.worker.cpu() - cpu) * 1000 / len(committed)
    arrived: dict[str, float] = setup.hooks.ask("arrivals")
    lags = sorted((arrived[i] - t) * 1000 for i, t in committed.items())
    p99 = lags[int(len(lags) * 0.99) - 1]
    return (
        f"p50 {statistics.median(lags):.1f} ms, p99 {p99:.1f} ms; {len(committed) / window:.0f}"
        f"/s held of {RATE}/s planned, backlog {backlog} at the end of {window:.1f} s "
        f"({undispatched} events before the consumers, {unsent} deliveries unsent); worker "
        f"{window_cpu / window:.0%} of a core, {cpu_ms:.2f} ms CPU per delivery "
        f"({len(lags):,} events; slow endpoint got {setup.hooks.ask('slow')} requests)"
    )


def trees() -> list[Tree]:
    found = [Tree("this tree", ROOT)]
    baseline = os.environ.get("RUSTOK_BENCH_WEBHOOKS_BASELINE")
    if baseline:
        found.insert(0, Tree(f"baseline {Path(baseline).name}", Path(baseline).resolve()))
    return found


def run() -> None:
    rows: list[tuple[str, str]] = []
    databases = os.environ.get("RUSTOK_BENCH_WEBHOOKS_DATABASES", "sqlite,postgres").split(",")
    postgres = start_postgres()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for database in databases:
                for figure, measure in (
                    ("throughput, slow endpoint present", throughput),
                    ("latency at 200 events/s, slow endpoint present", latency),
                ):
                    for tree in trees():
                        data = Path(tmp) / f"{database}-{measure.__name__}-{len(rows)}"
                        data.mkdir()
                        url = (
                            f"sqlite+aiosqlite:///{data}/bench.db"
                            if database == "sqlite"
                            else asyncio.run(_create_pg_database(postgres.url))
                        )
                        result = asyncio.run(measured(tree, url, data, measure))
                        label = f"{database}, {tree.label}: {figure}"
                        rows.append((label, result))
                        print(f"  {label}: {result}", flush=True)
    finally:
        postgres.close()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    rows.append(("machine load average at the end (1, 5, 15 min)", load))
    print_table("webhooks: commit -> worker (relay, dispatch, sender) -> loopback receiver", rows)


if __name__ == "__main__":
    run()
