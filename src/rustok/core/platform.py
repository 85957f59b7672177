"""The platform's long-lived parts, as one object handed to services and transports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from rustok.core.consumer import ConsumerSpec
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


class BackgroundService(Protocol):
    """Long-running work started by ``rustok serve``/``rustok worker`` (the event runtime)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class Platform:
    settings: Settings
    db: Database
    modules: ModuleRegistry
    uow: UnitOfWorkFactory
    readiness: list[ReadinessCheck] = field(default_factory=list)
    # Every consumer: the modules' (ModuleSpec.consumers) and the platform packages'.
    consumers: list[ConsumerSpec] = field(default_factory=list)
    # Outbox relay + transport + consumers; built by bootstrap, started by serve or worker.
    events: BackgroundService | None = None

    async def aclose(self) -> None:
        if self.events is not None:
            await self.events.stop()
        await self.db.dispose()
