"""Tenant cache invalidation across instances through Redis (T-5)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap
from rustok.tenancy.schemas import TenantCreate, TenantUpdate
from rustok.tenancy.service import TenantService
from tests.conftest import make_settings, outbox_settled, serve_app
from tests.probe_module import PROBE_MODULE
from tests.services import Service, free_port

# A loaded test machine may stall the event loop past the 250 ms default; after an outage
# the breaker lets the subscription try again soon.
REDIS_TIMING = {"redis_timeout": 2.0, "redis_breaker_open_seconds": 0.5}


async def _status(client: httpx.AsyncClient, slug: str) -> int:
    response = await client.get("/api/probe/whoami", headers={"X-Tenant-ID": slug})
    return response.status_code


async def _wait_for(client: httpx.AsyncClient, slug: str, status: int, limit: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if await _status(client, slug) == status:
            return time.perf_counter() - started
        await asyncio.sleep(0.01)
    raise AssertionError(f"{slug} did not answer {status} within {limit} s")


async def test_disable_on_one_instance_is_refused_by_another(
    db_url: str, tmp_path: Path, redis_service: Service
) -> None:
    settings = make_settings(db_url, tmp_path, redis_url=redis_service.url, **REDIS_TIMING)
    app_a = create_app(settings, platform=bootstrap(settings, modules=[PROBE_MODULE]))
    app_b = create_app(settings, platform=bootstrap(settings, modules=[PROBE_MODULE]))
    async with serve_app(app_a) as a, serve_app(app_b) as b:
        assert await app_a.tenancy.invalidation.wait_subscribed(5)
        assert await app_b.tenancy.invalidation.wait_subscribed(5)
        tenant = await app_a.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
        assert await _status(b, "acme") == 200  # now cached on B
        assert await _status(a, "acme") == 200

        await app_a.tenancy.tenants().update(tenant.id, TenantUpdate(is_active=False))
        assert await _status(a, "acme") == 403  # the writer's own cache at once
        delay = await _wait_for(b, "acme", 403, limit=1.0)
        assert delay < 1.0

        # A negative entry on B is dropped when A creates the tenant.
        assert await _status(b, "fresh") == 404
        await app_a.tenancy.tenants().create(TenantCreate(slug="fresh", name="Fresh"))
        await _wait_for(b, "fresh", 200, limit=1.0)

        ready = (await b.get("/health/ready")).json()
        assert ready["checks"]["cache_invalidation"]["status"] == "ok"
        assert ready["checks"]["redis"]["status"] == "ok"


async def test_unreachable_redis_degrades_but_keeps_serving(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    app = create_app(settings, platform=bootstrap(settings, modules=[PROBE_MODULE]))
    async with serve_app(app) as client:
        await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
        assert await _status(client, "acme") == 200
        ready = await client.get("/health/ready")
        assert ready.status_code == 200
        body = ready.json()
        assert body["status"] == "degraded"
        assert body["checks"]["cache_invalidation"]["status"] == "degraded"
        assert body["checks"]["redis"]["status"] == "degraded"
        assert body["checks"]["redis"]["detail"].startswith("redis unavailable")


async def test_redis_outage_then_recovery_resubscribes(
    db_url: str, tmp_path: Path, redis_service: Service
) -> None:
    settings = make_settings(db_url, tmp_path, redis_url=redis_service.url, **REDIS_TIMING)
    app_a = create_app(settings, platform=bootstrap(settings, modules=[PROBE_MODULE]))
    app_b = create_app(settings, platform=bootstrap(settings, modules=[PROBE_MODULE]))
    async with serve_app(app_a) as a, serve_app(app_b) as b:
        assert await app_b.tenancy.invalidation.wait_subscribed(5)
        tenant = await app_a.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
        await asyncio.sleep(0.3)  # let B apply the creation's own invalidation first
        assert await _status(b, "acme") == 200
        assert app_b.tenancy.directory.cache.peek("slug:acme") is not None
        # B's own relay could claim A's tenant.updated from the shared outbox and drop the entry
        # (the durable path, tested below); with it stopped, B hears of changes only via Redis.
        assert app_b.platform.events is not None
        await app_b.platform.events.stop()
        redis_service.kill()
        try:
            # A's change cannot be broadcast now; B keeps serving from its cache.
            await app_a.tenancy.tenants().update(tenant.id, TenantUpdate(is_active=False))
            assert await _status(a, "acme") == 403
            assert await _status(b, "acme") == 200
        finally:
            redis_service.start_again()
        # On resubscribing B clears its cache, so the missed change takes effect.
        assert await app_b.tenancy.invalidation.wait_subscribed(10)
        assert await _status(b, "acme") == 403


async def test_a_change_by_another_process_reaches_the_server_without_redis(
    db_url: str, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path)
    app = create_app(settings, platform=bootstrap(settings, modules=[PROBE_MODULE]))
    cli = bootstrap(settings, modules=[PROBE_MODULE])  # what `rustok tenant disable` builds
    try:
        async with serve_app(app) as client:
            tenant = await TenantService(cli).create(TenantCreate(slug="acme", name="Acme"))
            await outbox_settled(
                app.platform
            )  # tenant.created handled, so it cannot drop what we cache next
            await _wait_for(client, "acme", 200, limit=5.0)
            assert app.tenancy.directory.cache.peek("slug:acme") is not None  # cached
            await TenantService(cli).update(tenant.id, TenantUpdate(is_active=False))
            # The server's relay picks tenant.updated out of the outbox and drops its entry.
            delay = await _wait_for(client, "acme", 403, limit=5.0)
            assert delay < 5.0
    finally:
        await cli.aclose()
