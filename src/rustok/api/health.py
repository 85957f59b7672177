"""Liveness, readiness (with real dependency checks) and module health (API-4)."""

from __future__ import annotations

import asyncio
from typing import Literal

import msgspec
from litestar import Controller, Response, get
from litestar.openapi.datastructures import ResponseSpec

from rustok.core.db.outages import DatabaseUnavailable
from rustok.core.platform import CheckResult, Platform, ReadinessCheck
from rustok.web.deps import PlatformDep

ReadyStatus = Literal["ready", "degraded", "unavailable"]


class Live(msgspec.Struct, frozen=True):
    status: Literal["ok"] = "ok"


class Check(msgspec.Struct, frozen=True, kw_only=True):
    status: Literal["ok", "degraded", "down"]
    latency_ms: float | None = None
    detail: str | None = None


class Ready(msgspec.Struct, frozen=True, kw_only=True):
    status: ReadyStatus
    checks: dict[str, Check]


class ModuleHealthRead(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    name: str
    description: str
    version: str
    dependencies: list[str]
    status: Literal["healthy", "degraded", "unhealthy"]
    detail: str | None = None


class ModulesHealth(msgspec.Struct, frozen=True, kw_only=True):
    status: Literal["healthy", "degraded", "unhealthy"]
    modules: list[ModuleHealthRead]


async def _database_check(platform: Platform) -> CheckResult:
    try:
        async with asyncio.timeout(2.0):
            latency = await platform.db.ping()
    except DatabaseUnavailable as exc:
        return CheckResult("down", detail=exc.reason)
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported, not raised
        return CheckResult("down", detail=f"{type(exc).__name__}: {exc}"[:300])
    return CheckResult("ok", latency_ms=round(latency, 3))


async def _run(check: ReadinessCheck) -> CheckResult:
    try:
        async with asyncio.timeout(3.0):
            return await check.probe()
    except TimeoutError:
        return CheckResult("down", detail="check timed out after 3 s")
    except Exception as exc:  # noqa: BLE001
        return CheckResult("down", detail=f"{type(exc).__name__}: {exc}"[:300])


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get(
        "/live",
        public=True,
        summary="Liveness: the process answers",
        http_only="probe for orchestrators (status code, not data)",
    )
    async def live(self) -> Live:
        return Live()

    @get(
        "/ready", public=True, summary="Readiness: database and other dependencies",
        responses={503: ResponseSpec(Ready, description="Not ready: a critical check is down")},
        http_only="probe for orchestrators (status code, not data)",
    )  # fmt: skip
    async def ready(self, platform: PlatformDep) -> Response[Ready]:
        checks = [
            ReadinessCheck("database", lambda: _database_check(platform)),
            *platform.readiness,
        ]
        results = await asyncio.gather(*(_run(c) for c in checks))
        status: ReadyStatus = "ready"
        for check, result in zip(checks, results, strict=True):
            if result.status == "down" and check.critical:
                status = "unavailable"
                break
            if result.status != "ok":
                status = "degraded"
        body = Ready(
            status=status,
            checks={
                c.name: Check(status=r.status, latency_ms=r.latency_ms, detail=r.detail)
                for c, r in zip(checks, results, strict=True)
            },
        )
        return Response(body, status_code=503 if status == "unavailable" else 200)

    @get(
        "/modules",
        public=True,
        summary="Installed modules and their health",
        http_only="probe for orchestrators (status code, not data)",
    )
    async def modules(self, platform: PlatformDep) -> ModulesHealth:
        reports = await asyncio.gather(*(spec.check_health() for spec in platform.modules))
        items = [
            ModuleHealthRead(
                slug=spec.slug,
                name=spec.name,
                description=spec.description,
                version=spec.version,
                dependencies=list(spec.dependencies),
                status=report.status,
                detail=report.detail,
            )
            for spec, report in zip(platform.modules, reports, strict=True)
        ]
        states = {m.status for m in items}
        overall: Literal["healthy", "degraded", "unhealthy"] = (
            "unhealthy"
            if "unhealthy" in states
            else "degraded"
            if "degraded" in states
            else "healthy"
        )
        return ModulesHealth(status=overall, modules=items)
