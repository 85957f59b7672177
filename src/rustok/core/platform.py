"""The platform's long-lived parts, as one object handed to services and transports."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from rustok.core.checks import CheckResult, CheckStatus, ReadinessCheck
from rustok.core.consumer import ConsumerSpec
from rustok.core.context import TenantRef
from rustok.core.db import Database
from rustok.core.invalidation import InvalidationBus
from rustok.core.redis_guard import RedisGuard
from rustok.core.registry import ModuleRegistry
from rustok.core.settings import Settings
from rustok.core.uow import UnitOfWorkFactory


class BackgroundService(Protocol):
    """Long-running work started by ``rustok serve``/``rustok worker`` (the event runtime)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@runtime_checkable
class AsyncCloseable(Protocol):
    """A long-lived service holding connections (a storage client): closed with the platform."""

    async def aclose(self) -> None: ...


class TenantLookup(Protocol):
    """Tenants by id, with their locales and modules (the tenancy directory, cached)."""

    async def by_id(self, tenant_id: uuid.UUID) -> TenantRef | None: ...


@dataclass
class Platform:
    settings: Settings
    db: Database
    modules: ModuleRegistry
    uow: UnitOfWorkFactory
    invalidation: InvalidationBus
    # Timeout + breaker around every Redis call (rate limits, invalidation); None without Redis.
    redis: RedisGuard | None = None
    readiness: list[ReadinessCheck] = field(default_factory=list)
    # Every consumer: the modules' (ModuleSpec.consumers) and the platform packages'.
    consumers: list[ConsumerSpec] = field(default_factory=list)
    # Outbox relay + transport + consumers; built by bootstrap, started by serve or worker.
    events: BackgroundService | None = None
    # The modules' periodic jobs; built by bootstrap, started where the events run.
    jobs: BackgroundService | None = None
    # Other work that runs where the events run (the mail sender, the modules'
    # ModuleSpec.background services), started after them.
    background: list[BackgroundService] = field(default_factory=list)
    # Set by bootstrap; consumers run under the full tenant (locales for projections).
    tenants: TenantLookup | None = None
    # Long-lived objects a module builds once per platform (its runtime), by module slug:
    # routes, GraphQL and periodic jobs then share them (payment providers, breakers).
    services: dict[str, Any] = field(default_factory=dict)

    async def start_background(self) -> None:
        """Start the event runtime and the periodic jobs (``rustok serve``/``worker``)."""
        if self.events is not None:
            await self.events.start()
        if self.jobs is not None:
            await self.jobs.start()
        for service in self.background:
            await service.start()

    async def stop_background(self) -> None:
        """Services and jobs first: their events still reach the relay before it stops."""
        for service in reversed(self.background):
            await service.stop()
        if self.jobs is not None:
            await self.jobs.stop()
        if self.events is not None:
            await self.events.stop()

    async def aclose(self) -> None:
        await self.invalidation.aclose()
        if self.redis is not None:
            await self.redis.aclose()
        await self.stop_background()
        for service in self.services.values():
            if isinstance(service, AsyncCloseable):
                await service.aclose()
        await self.db.dispose()


__all__ = ["CheckResult", "CheckStatus", "Platform", "ReadinessCheck", "TenantLookup"]
