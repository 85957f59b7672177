"""The platform's long-lived parts, as one object handed to services and transports."""

from __future__ import annotations

from dataclasses import dataclass, field

from rustok.core.checks import CheckResult, CheckStatus, ReadinessCheck
from rustok.core.db import Database
from rustok.core.invalidation import InvalidationBus
from rustok.core.registry import ModuleRegistry
from rustok.core.settings import Settings
from rustok.core.uow import UnitOfWorkFactory


@dataclass
class Platform:
    settings: Settings
    db: Database
    modules: ModuleRegistry
    uow: UnitOfWorkFactory
    invalidation: InvalidationBus
    readiness: list[ReadinessCheck] = field(default_factory=list)

    async def aclose(self) -> None:
        await self.invalidation.aclose()
        await self.db.dispose()


__all__ = ["CheckResult", "CheckStatus", "Platform", "ReadinessCheck"]
