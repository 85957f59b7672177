"""Health endpoints (API-4): live, ready with real checks, modules."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap
from rustok.core.module import ModuleSpec
from rustok.core.platform import CheckResult, ReadinessCheck
from tests.conftest import make_settings
from tests.probe_module import PROBE_MODULE
from tests.services import free_port


@pytest.mark.sql_free
async def test_live(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_database_latency(client: httpx.AsyncClient) -> None:
    # The lifespan started the relay: let it dispatch what the migrated template left
    # pending (the default tenant's tenant.created), which may be older than the lag limit.
    response = await client.get("/health/ready")
    for _ in range(100):
        if response.json()["checks"]["relay"]["detail"].startswith("0 pending"):
            break
        await asyncio.sleep(0.02)
        response = await client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    database = body["checks"]["database"]
    assert database["status"] == "ok"
    assert 0 < database["latency_ms"] < 2000


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_ready_is_503_when_database_unreachable(kind: str, tmp_path: Path) -> None:
    url = (
        f"sqlite+aiosqlite:///{tmp_path}/missing-dir/sub/x.db"
        if kind == "sqlite"
        else f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing"
    )
    settings = make_settings(url, tmp_path)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/health/ready")
        live = await client.get("/health/live")
    await app.platform.aclose()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["status"] == "down"
    assert body["checks"]["database"]["detail"]
    assert live.status_code == 200  # liveness does not depend on the database


async def test_ready_degraded_by_non_critical_check(settings: object, tmp_path: Path) -> None:
    from rustok.core.settings import Settings

    assert isinstance(settings, Settings)
    platform = bootstrap(settings)

    async def cache_down() -> CheckResult:
        return CheckResult("down", detail="redis unreachable")

    platform.readiness.append(ReadinessCheck("cache", cache_down, critical=False))
    app = create_app(settings, platform=platform)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/health/ready")
    await platform.aclose()
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == {
        "status": "down", "latency_ms": None, "detail": "redis unreachable"
    }  # fmt: skip


class TestModules:
    @pytest.fixture
    def test_modules(self) -> list[ModuleSpec]:
        return [PROBE_MODULE]

    @pytest.mark.sql_free
    async def test_modules_listed_with_health(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/health/modules")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "degraded"
        assert body["modules"] == [
            {
                "slug": "probe", "name": "Probe", "description": "Test-only module",
                "version": "0.0.1", "dependencies": [], "status": "degraded",
                "detail": "probe is tired",
            }
        ]  # fmt: skip


async def test_ready_reports_broker_and_relay_lag(settings: object, tmp_path: Path) -> None:
    """Relay lag beyond RUSTOK_RELAY_LAG_DEGRADED_SECONDS makes readiness degraded (200)."""
    import datetime as dt

    from sqlalchemy import update

    from rustok.core.settings import Settings
    from rustok.outbox.models import OutboxEvent

    assert isinstance(settings, Settings)
    lagging = make_settings(settings.database_url, tmp_path, relay_lag_degraded_seconds=5)
    platform = bootstrap(lagging)
    async with platform.db.writer(), platform.db.write_engine.begin() as conn:
        await conn.execute(
            update(OutboxEvent).values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
        )
    app = create_app(lagging, platform=platform)  # no lifespan: no relay catches up
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/health/ready")
        metrics = (await c.get("/metrics")).text
    await platform.aclose()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"] == {
        "status": "ok", "latency_ms": None, "detail": "in-process (memory transport)"
    }  # fmt: skip
    relay = body["checks"]["relay"]
    assert relay["status"] == "degraded"
    # The age is the hour set above plus however long this test took: at least the hour.
    detail = re.fullmatch(r"lagging: 1 pending, oldest ([\d.]+) s, 0 failed", relay["detail"])
    assert detail is not None, relay["detail"]
    assert float(detail.group(1)) >= 3600
    assert "rustok_outbox_pending 1.0" in metrics
    oldest = re.search(r"^rustok_outbox_oldest_pending_seconds ([\d.e+]+)$", metrics, re.M)
    assert oldest is not None and float(oldest.group(1)) >= 3600
