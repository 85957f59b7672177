"""Tenant resolution: cost on a cache hit, the resolver's share of a trivial request, and
how fast a change on one instance reaches another through Redis.

Figures: µs per resolution (header mode, warm cache); wrk req/s of ``GET /api/tenant`` with
the resolver and with the tenant fixed (no resolver); invalidation delay p50/p99 across two
app instances sharing PostgreSQL and Redis.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from tests.conftest import serve_app
from tests.services import start_postgres, start_redis

from bench.harness import bench_env, migrate, percentile, print_table, served, sqlite_dir, wrk
from rustok.api.app import create_app
from rustok.bootstrap import bootstrap, load_all_settings
from rustok.cli.migrate import migrate_and_seed
from rustok.tenancy.schemas import TenantCreate, TenantUpdate

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"


async def _resolution_cost(data: Path, iterations: int = 200_000) -> tuple[float, float]:
    settings = load_all_settings({}, warn=False, database_url=f"sqlite+aiosqlite:///{data}/r.db",
                             data_dir=str(data), secret_key=SECRET)  # fmt: skip
    await migrate_and_seed(settings)
    app = create_app(settings)
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    resolver = app.tenancy.resolver
    headers = {"x-tenant-id": "acme"}
    await resolver.resolve("/api/tenant", headers, "127.0.0.1")  # warm the cache
    started = time.perf_counter()
    for _ in range(iterations):
        await resolver.resolve("/api/tenant", headers, "127.0.0.1")
    per_resolution = (time.perf_counter() - started) / iterations * 1e6
    directory = app.tenancy.directory
    started = time.perf_counter()
    for _ in range(iterations):
        await directory.by_slug("acme")
    per_lookup = (time.perf_counter() - started) / iterations * 1e6
    await app.platform.aclose()
    return per_resolution, per_lookup


async def _invalidation_delays(trials: int = 40) -> list[float]:
    pg, redis = start_postgres(), start_redis()
    try:
        data = Path(tempfile.mkdtemp())
        settings = load_all_settings({}, warn=False, database_url=pg.url, redis_url=redis.url,
                                 data_dir=str(data), secret_key=SECRET)  # fmt: skip
        await migrate_and_seed(settings)
        app_a, app_b = (
            create_app(settings, platform=bootstrap(settings)),
            create_app(settings, platform=bootstrap(settings)),
        )
        delays = []
        async with serve_app(app_a), serve_app(app_b) as b:
            assert await app_b.tenancy.invalidation.wait_subscribed(5)
            tenant = await app_a.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
            active = True
            for _ in range(trials):
                await asyncio.sleep(0.05)
                expected = 200 if active else 403
                assert (
                    await b.get("/api/tenant", headers={"X-Tenant-ID": "acme"})
                ).status_code == expected
                active = not active
                started = time.perf_counter()
                await app_a.tenancy.tenants().update(tenant.id, TenantUpdate(is_active=active))
                want = 200 if active else 403
                # Polling the other instance is the measurement itself (5 s at most).
                for _ in range(5000):
                    if (
                        await b.get("/api/tenant", headers={"X-Tenant-ID": "acme"})
                    ).status_code == want:
                        break
                    await asyncio.sleep(0.001)
                delays.append((time.perf_counter() - started) * 1000)
        return delays
    finally:
        pg.close()
        redis.close()


def run(seconds: int = 8) -> None:
    rows = []
    with sqlite_dir() as data:
        per_resolution, per_lookup = asyncio.run(_resolution_cost(data))
        rows += [
            ("resolution on a cache hit (header mode, slug)", f"{per_resolution:.2f} µs"),
            ("  of which the cache lookup", f"{per_lookup:.2f} µs"),
        ]
        env = bench_env(f"sqlite+aiosqlite:///{data}/bench.db", data, RUSTOK_RATE_LIMIT="0")
        migrate(env)
        for label, target in (
            ("with the resolver", None),
            ("tenant fixed, no resolver", "bench.apps:app_without_resolver"),
        ):
            with served(env, target=target) as server:
                url = server.base_url + "/api/tenant"
                wrk(url, seconds=2)
                result = wrk(url, seconds=seconds)
            rows.append((f"GET /api/tenant, {label}",
                         f"{result.requests_per_second:,.0f} req/s, p50 {result.latency_p50_ms:.2f} ms, "
                         f"p99 {result.latency_p99_ms:.2f} ms, non-2xx {result.non_2xx}"))  # fmt: skip
    delays = asyncio.run(_invalidation_delays())
    rows.append(("invalidation across 2 instances (PostgreSQL + Redis)",
                 f"p50 {percentile(delays, 50):.1f} ms, p99 {percentile(delays, 99):.1f} ms, max {max(delays):.1f} ms"))  # fmt: skip
    print_table("tenancy: resolution cost, throughput, invalidation delay", rows)


if __name__ == "__main__":
    run()
