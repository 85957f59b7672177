"""The storefront read path against the framework's floor, in one run (issue 13).

Per database (SQLite, then a private PostgreSQL), with 10,000 products in two locales and
1,000 more tenants of 20 products each in the read models:

- the floor: a bare Litestar endpoint on Granian (``bench/trivial.py``, 1 worker) answering
  the same JSON as ``GET /api/store/products?limit=20``, served next to rustok and loaded in
  turn with the repeated list over two rounds (the other reads are compared with the last
  round's floor);
- ``rustok serve`` with 1 worker, the response cache on (its default), each read repeated:
  the list of 20, a product by handle, a search, the GraphQL ``storeProducts`` and
  ``storeProduct`` asking for the fields REST answers; then the same with the cache off
  (``RUSTOK_STOREFRONT_CACHE_SIZE=0``: every read is what the first read after a write
  costs);
- the list's p99 with requests spread over 1,000 tenants divided by its p99 on one tenant
  (both loads from the same wrk script, alternated over two rounds, after one read of
  every tenant);
- ``rustok serve --workers 2``: from the command to the first correct storefront list
  (median of 3 starts), then the sum of the PSS of all its processes after a mixed load,
  and the Granian main process alone;
- the statements per list of 20 (in process, counted like the tests do).

Each load is wrk (1 thread, 16 connections) for ``SECONDS`` after a 1 s warm-up. Requests/s
and p99 come from wrk; CPU µs per request is the CPU time (user + system, all threads) of
every server process during the run divided by the requests answered — the figure that the
machine's noise disturbs least. Ratios compare figures of the same run. The general rate
limit is off (``RUSTOK_RATE_LIMIT=0``): wrk is one client address.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec
import psutil
from tests.conftest import serve_app
from tests.modules.index.support import count_statements

from bench.harness import RUSTOK, Server, bench_env, migrate, on_both_databases, print_table
from bench.harness import served as served_app
from bench.index import seed_read_models
from bench.startup import cold_start, cold_start_rows, server_processes
from bench.trivial import TRIVIAL_JSON_ENV

PRODUCTS = 10_000
POSTS = 500
TENANTS = 1_000
TENANT_PRODUCTS = 20
SECONDS = 5
CONNECTIONS = 16
STARTS = 3
SPREAD_ROUNDS = 2
FLOOR_ROUNDS = 2
LIST = "/api/store/products?limit=20"
HANDLE = "/api/store/products/item-5"
SEARCH = "/api/store/search?q=red"
REST_FIELDS = "id handle title priceMin priceMax compareAtMax currencyCode inStock onSale thumbnail"
GQL_LIST = (
    "query { storeProducts(first: 20) { edges { node { " + REST_FIELDS + " } } "
    "pageInfo { hasNextPage endCursor } } }"
)
GQL_PRODUCT = (
    'query { storeProduct(handle: "item-5") { id handle locale title subtitle description '
    "vendor currencyCode priceMin priceMax tags categoryNames options thumbnail inStock onSale "
    "variants { id sku title options price compareAtPrice currencyCode inventoryPolicy "
    "availableQuantity available } } }"
)
Rows = list[tuple[str, str]]


@dataclass(frozen=True)
class Load:
    """One wrk run against one server."""

    requests_per_second: float
    p99_ms: float
    cpu_us: float  # server CPU per request
    requests: int
    non_2xx: int

    def row(self) -> str:
        return (f"{self.requests_per_second:,.0f} req/s, {self.cpu_us:,.0f} µs CPU/req, "
                f"p99 {self.p99_ms:.1f} ms" + (f", non-2xx {self.non_2xx}" if self.non_2xx else ""))  # fmt: skip


def _cpu_seconds(processes: Sequence[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        times = process.cpu_times()
        total += times.user + times.system
    return total


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(url: str, seconds: float, script: str | None, headers: Sequence[str]) -> tuple[float, float, int, int]:  # fmt: skip
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: sudo apt-get install wrk")
    args = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", out, re.M)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    assert p99 is not None, out
    return rps, float(p99.group(1)) * _UNITS[p99.group(2)], total, int(non_2xx.group(1)) if non_2xx else 0  # fmt: skip


def load(server: Server, path: str, *, script: str | None = None, headers: Sequence[str] = (),
         seconds: int = SECONDS, warm: bool = True) -> Load:  # fmt: skip
    """``seconds`` of wrk (whole seconds: wrk takes no fractions), after one of warm-up
    unless ``warm`` is false (a caller loading the same path many times warms it once)."""
    url = server.base_url + path
    if warm:
        _wrk(url, 1, script, headers)
    processes = server_processes(server)
    before = _cpu_seconds(processes)
    rps, p99, total, non_2xx = _wrk(url, seconds, script, headers)
    cpu = _cpu_seconds(processes) - before
    return Load(rps, p99, 1e6 * cpu / max(total, 1), total, non_2xx)


def _post_script(path: Path, body: dict[str, Any]) -> str:
    escaped = json.dumps(body).replace("\\", "\\\\").replace("'", "\\'")
    path.write_text(
        "wrk.method = 'POST'\n"
        f"wrk.body = '{escaped}'\n"
        "wrk.headers['Content-Type'] = 'application/json'\n"
    )
    return str(path)


def _tenants_script(path: Path, tenants: int = TENANTS) -> str:
    """Each request to one of ``tenants`` tenants at random (1: always ``t-0``, the same
    Lua work per request, so that the two loads differ only in the tenants)."""
    path.write_text(
        "local counter = 0\n"
        "function setup(thread)\n  counter = counter + 1\n  thread:set('seed', counter)\nend\n"
        "function init(args)\n  math.randomseed(seed * 7919)\nend\n"
        "request = function()\n"
        f'  return wrk.format("GET", "{LIST}", {{["X-Tenant-ID"] = "t-" .. math.random(0, {tenants - 1})}})\n'
        "end\n"
    )
    return str(path)


# --- seeding -----------------------------------------------------------------------------


async def _seed_tenants(database_url: str, data: Path) -> float:
    """TENANTS tenants ``t-0`` … with TENANT_PRODUCTS listings each; seconds taken."""
    from bench.index import _products, _settings, _write
    from rustok.bootstrap import bootstrap
    from rustok.tenancy.schemas import TenantCreate
    from rustok.tenancy.service import TenantService

    started = time.perf_counter()
    platform = bootstrap(_settings(database_url, data))
    rng = random.Random(7)
    try:
        service = TenantService(platform)
        assert platform.tenants is not None
        for t in range(TENANTS):
            created = await service.create(TenantCreate(slug=f"t-{t}", name=f"Tenant {t}"))
            tenant = await platform.tenants.by_id(created.id)
            assert tenant is not None
            # Product ids are unique across tenants (search keys name them).
            docs = [
                msgspec.structs.replace(d, product_id=uuid.uuid4())
                for n in range(TENANT_PRODUCTS)
                for d in _products(n, rng)
                if d.locale == "en"
            ]
            await _write(platform, tenant, docs, dt.datetime.now(dt.UTC))
    finally:
        await platform.aclose()
    return time.perf_counter() - started


# --- in process --------------------------------------------------------------------------


async def _statements(database_url: str, data: Path) -> int:
    from bench.index import _settings
    from rustok.api.app import create_app

    app = create_app(_settings(database_url, data))
    async with serve_app(app) as client:
        await client.get(LIST)  # the tenant cache
        # Another page size: not a cached answer.
        # The raw read pool's statements and the ORM's (count_queries alone saw only the
        # ORM's, and printed 0).
        with count_statements(app.platform) as counter:
            response = await client.get("/api/store/products?limit=19")
        assert response.status_code == 200, response.text
    return sum(counter.counts)


# --- servers -----------------------------------------------------------------------------


@contextmanager
def trivial(env: dict[str, str], body: bytes, data: Path) -> Iterator[Server]:
    path = data / "trivial.json"
    path.write_bytes(body)
    with served_app(
        {**env, TRIVIAL_JSON_ENV: str(path)}, target="bench.trivial:trivial_app"
    ) as server:
        yield server


def _visit_every_tenant(server: Server) -> None:
    """One list of each of the TENANTS tenants: their first reads (tenant lookup, answer)
    happen here, so the spread load measures many tenants in steady state, not cold caches
    (at ~450 cold reads a second, 6 s of load would meet most tenants for the first time)."""
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        for t in range(TENANTS):
            response = client.get(LIST, headers={"X-Tenant-ID": f"t-{t}"})
            assert response.status_code == 200, response.text


def _reference(server: Server) -> dict[str, bytes]:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        answers = {
            "list": client.get(LIST),
            "handle": client.get(HANDLE),
            "search": client.get(SEARCH),
            "gql list": client.post("/api/graphql", json={"query": GQL_LIST}),
            "gql product": client.post("/api/graphql", json={"query": GQL_PRODUCT}),
        }
    for name, response in answers.items():
        assert response.status_code == 200, (name, response.text)
        assert "errors" not in response.json(), (name, response.text)
    assert len(answers["list"].json()["items"]) == 20
    return {name: response.content for name, response in answers.items()}


def _reads(server: Server, data: Path) -> dict[str, Load]:
    gql_list = _post_script(data / "gql-list.lua", {"query": GQL_LIST})
    gql_product = _post_script(data / "gql-product.lua", {"query": GQL_PRODUCT})
    return {
        "list": load(server, LIST),
        "handle": load(server, HANDLE),
        "search": load(server, SEARCH),
        "gql list": load(server, "/api/graphql", script=gql_list),
        "gql product": load(server, "/api/graphql", script=gql_product),
    }


# --- one database ------------------------------------------------------------------------


def _ratio(floor: Load, read: Load) -> str:
    return (f"{floor.requests_per_second / read.requests_per_second:.1f}x by req/s, "
            f"{read.cpu_us / floor.cpu_us:.1f}x by CPU")  # fmt: skip


def _database(label: str, database_url: str, data: Path) -> Rows:
    env = bench_env(database_url, data, RUSTOK_RATE_LIMIT="0")
    migrate(env)
    seeded, _ = asyncio.run(seed_read_models(database_url, data, PRODUCTS, POSTS))
    tenants_seconds = _seed_tenants_sync(database_url, data)
    drained = _drain_outbox(env, database_url, data)
    rows: Rows = [
        (f"{label}: seeded", f"{PRODUCTS:,} products x 2 locales in {seeded:.1f} s; "
         f"{TENANTS:,} tenants x {TENANT_PRODUCTS} products in {tenants_seconds:.1f} s; "
         f"their events handled by a worker in {drained:.1f} s"),
    ]  # fmt: skip
    with served_app(env) as server:
        reference = _reference(server)
        with trivial(env, reference["list"], data) as floor_server:
            # The floor next to each read, alternated: the machine drifts more between two
            # loads a minute apart than the list differs from its floor.
            rounds = [(load(floor_server, "/"), load(server, LIST)) for _ in range(FLOOR_ROUNDS)]
            floor = rounds[-1][0]
            cached = _reads(server, data)
        _visit_every_tenant(server)  # steady state: no tenant's first read is measured
        one_script = _tenants_script(data / "one-tenant.lua", tenants=1)
        spread_script = _tenants_script(data / "tenants.lua")
        # Alternated: the machine drifts between runs more than the two loads differ.
        pairs = [(load(server, "/", script=one_script), load(server, "/", script=spread_script))
                 for _ in range(SPREAD_ROUNDS)]  # fmt: skip
    uncached_env = {**env, "RUSTOK_STOREFRONT_CACHE_SIZE": "0"}
    with served_app(uncached_env) as server:
        uncached = _reads(server, data)
    after = functools.partial(_reads, data=data)
    starts = [cold_start(env, reference["list"], after if i == STARTS - 1 else None)
              for i in range(STARTS)]  # fmt: skip
    statements = asyncio.run(_statements(database_url, data))
    from bench.overhead import overheads  # it uses this module's load()

    costs = overheads(label, env, data)
    rows += [
        *_floor_rows(label, len(reference["list"]), rounds),
        (f"{label}: same, uncached (first read after a write)", uncached["list"].row()),
        (f"{label}: GET {HANDLE}, repeated", cached["handle"].row()),
        (f"{label}:   ÷ trivial", _ratio(floor, cached["handle"])),
        (f"{label}: same, uncached", uncached["handle"].row()),
        (f"{label}: GET {SEARCH}, repeated", cached["search"].row()),
        (f"{label}:   ÷ trivial", _ratio(floor, cached["search"])),
        (f"{label}: same, uncached", uncached["search"].row()),
        (f"{label}: GraphQL storeProducts(first: 20), REST's fields, repeated", cached["gql list"].row()),
        (f"{label}:   ÷ REST list", _ratio(cached["list"], cached["gql list"])),
        (f"{label}: same, uncached", uncached["gql list"].row()),
        (f"{label}:   ÷ REST list uncached", _ratio(uncached["list"], uncached["gql list"])),
        (f"{label}: GraphQL storeProduct, repeated", cached["gql product"].row()),
        (f"{label}:   ÷ REST by handle", _ratio(cached["handle"], cached["gql product"])),
        (f"{label}: same, uncached", uncached["gql product"].row()),
        (f"{label}:   ÷ REST by handle uncached", _ratio(uncached["handle"], uncached["gql product"])),
        *_spread_rows(label, pairs),
        *cold_start_rows(label, starts, "the load above"),
        (f"{label}: SQL statements per list of 19 (a cache miss)", str(statements)),
        *costs,
    ]  # fmt: skip
    return rows


def _floor_rows(label: str, size: int, rounds: list[tuple[Load, Load]]) -> Rows:
    rows: Rows = []
    for n, (floor, listed) in enumerate(rounds, 1):
        rows += [
            (f"{label}: trivial Litestar endpoint, same {size:,} B JSON, round {n}", floor.row()),
            (f"{label}: GET {LIST}, repeated, round {n}", listed.row()),
            (f"{label}:   ÷ trivial, round {n}", _ratio(floor, listed)),
        ]
    return rows


def _spread_rows(label: str, pairs: list[tuple[Load, Load]]) -> Rows:
    rows: Rows = []
    for n, (one, spread) in enumerate(pairs, 1):
        rows += [
            (f"{label}: list over {TENANTS:,} tenants, round {n}", spread.row()),
            (f"{label}: list on one tenant, round {n}", one.row()),
            (f"{label}:   p99 {TENANTS:,} tenants ÷ one, round {n}",
             f"{spread.p99_ms / one.p99_ms:.2f} (CPU {spread.cpu_us / one.cpu_us:.2f})"),
        ]  # fmt: skip
    return rows


async def _pending_events(database_url: str, data: Path) -> int:
    from sqlalchemy import func, select

    from bench.index import _settings
    from rustok.bootstrap import bootstrap
    from rustok.outbox.models import OutboxEvent

    platform = bootstrap(_settings(database_url, data))
    try:
        async with platform.db.read_session(all_tenants=True) as session:
            query = select(func.count()).where(OutboxEvent.status == "pending")
            return int(await session.scalar(query) or 0)
    finally:
        await platform.aclose()


DRAIN_SECONDS = 600


def _drain_outbox(env: dict[str, str], database_url: str, data: Path) -> float:
    """Run ``rustok worker`` until the seeding's events (a ``tenant.created`` per tenant)
    are handled, so that no server measured below is also consuming them."""
    started = time.perf_counter()
    worker = subprocess.Popen([RUSTOK, "worker"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while pending := asyncio.run(_pending_events(database_url, data)):
            if worker.poll() is not None:
                raise RuntimeError(f"rustok worker exited with {worker.returncode}")
            if time.perf_counter() - started > DRAIN_SECONDS:
                raise RuntimeError(f"{pending:,} events still pending after {DRAIN_SECONDS} s")
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(30)
    return time.perf_counter() - started


def _seed_tenants_sync(database_url: str, data: Path) -> float:
    return asyncio.run(_seed_tenants(database_url, data))


def run() -> None:
    print(f"storefront: {PRODUCTS:,} products, wrk -t1 -c{CONNECTIONS} {SECONDS} s per figure, "
          f"python {sys.version.split()[0]}, pid {os.getpid()}", flush=True)  # fmt: skip
    rows = on_both_databases(_database) + staleness()
    print_table("storefront: reads against the trivial endpoint (1 worker unless said)", rows)


if __name__ == "__main__":
    run()


# --- staleness across instances through Redis --------------------------------------------

STALENESS_WRITES = 50


async def _staleness(database_url: str, data: Path, redis_url: str) -> list[float]:
    """Milliseconds from a read-model commit on one instance until another instance (its
    own data directory: another host) answers the new title, polling every millisecond."""
    from tests.modules.index.support import product

    from bench.index import _settings
    from rustok.api.app import create_app
    from rustok.bootstrap import bootstrap
    from rustok.core.context import DEFAULT_TENANT_ID, RequestContext, use_context
    from rustok.modules.index.settings import IndexSettings
    from rustok.modules.index.store import ListingStore

    def host(name: str) -> Any:
        base = msgspec.structs.replace(_settings(database_url, data / name), redis_url=redis_url)
        index = msgspec.structs.replace(base.of(IndexSettings), storefront_cache_ttl=3600.0)
        return base.with_module(index)

    first, second = bootstrap(host("a")), bootstrap(host("b"))
    lags: list[float] = []
    try:
        async with serve_app(create_app(host("a"), platform=first)), \
                serve_app(create_app(host("b"), platform=second)) as reader:  # fmt: skip
            await first.invalidation.wait_subscribed(10)
            await second.invalidation.wait_subscribed(10)
            assert first.tenants is not None
            tenant = await first.tenants.by_id(DEFAULT_TENANT_ID)
            assert tenant is not None
            for n in range(STALENESS_WRITES):
                title = f"Staleness probe {n}"
                with use_context(RequestContext(tenant=tenant)):
                    async with first.uow() as uow:
                        store = ListingStore(uow.session, tenant.id)
                        doc = product(title, 10**6)
                        await store.put_product(doc, dt.datetime.now(dt.UTC))
                        await store.put_prices(doc.product_id, doc)
                        await uow.commit()
                committed = time.perf_counter()
                for _ in range(60_000):  # a minute at most
                    answer = await reader.get("/api/store/products/item-1000000")
                    if answer.json().get("title") == title:
                        break
                    await asyncio.sleep(0.001)
                lags.append((time.perf_counter() - committed) * 1000)
    finally:
        await first.aclose()
        await second.aclose()
    return lags


def staleness() -> Rows:
    from tests.services import start_redis

    from bench.harness import percentile, sqlite_dir

    redis = start_redis()
    try:
        with sqlite_dir() as data:
            url = f"sqlite+aiosqlite:///{data}/bench.db"
            migrate(bench_env(url, data))
            lags = asyncio.run(_staleness(url, data, redis.url))
    finally:
        redis.close()
    return [(f"sqlite: another instance's stale window through Redis ({len(lags)} writes)",
             f"p50 {percentile(lags, 50):.1f} ms, p99 {percentile(lags, 99):.1f} ms, "
             f"max {max(lags):.1f} ms")]  # fmt: skip
