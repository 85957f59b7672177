"""Health endpoints (API-4): live, ready with real checks, modules."""

from __future__ import annotations

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


async def test_live(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_reports_database_latency(client: httpx.AsyncClient) -> None:
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
