"""The platform's long-lived parts, as one object handed to services and transports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from rustok.core.db import Database
from rustok.core.registry import ModuleRegistry
from rustok.core.settings import Settings
from rustok.core.uow import UnitOfWorkFactory

CheckStatus = Literal["ok", "degraded", "down"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    status: CheckStatus
    latency_ms: float | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class ReadinessCheck:
    """A dependency probe for ``/health/ready``; ``critical`` ones make it answer 503."""

    name: str
    probe: Callable[[], Awaitable[CheckResult]]
    critical: bool = True


@dataclass
class Platform:
    settings: Settings
    db: Database
    modules: ModuleRegistry
    uow: UnitOfWorkFactory
    readiness: list[ReadinessCheck] = field(default_factory=list)

    async def aclose(self) -> None:
        await self.db.dispose()
