"""The module contract (SYSTEM.md §1): what a module declares so the platform can plug it in.

A module is one package exposing ``MODULE = ModuleSpec(...)`` in its ``module.py``. The
registry (``rustok.core.registry``) mounts its REST handlers and GraphQL types, registers
its permissions, event types and consumers, and calls its hooks when a tenant enables or
disables it. Modules never import each other's models; dependencies are declared here.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from rustok.core.consumer import ConsumerSpec
    from rustok.core.events import EventPayload
    from rustok.core.jobs import PeriodicJob
    from rustok.core.platform import BackgroundService, Platform

HealthState = Literal["healthy", "degraded", "unhealthy"]
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
PERMISSION_RE = re.compile(r"^[a-z_]+:[a-z_]+$")


@dataclass(frozen=True, slots=True)
class ModuleHealth:
    status: HealthState = "healthy"
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class ModuleHookContext:
    """What ``on_enable``/``on_disable`` get: the toggle's own transaction and tenant."""

    session: AsyncSession
    tenant_id: uuid.UUID
    settings: dict[str, Any]


ModuleHook = Callable[[ModuleHookContext], Awaitable[None]]
HealthProbe = Callable[[], Awaitable[ModuleHealth]]
# Adds the module's sample data to the demo tenant (the request context names the tenant);
# must be idempotent: ``rustok demo`` runs it every time. Returns lines to print.
DemoSeeder = Callable[["Platform"], Awaitable[list[str]]]
# Builds long-running work (a sender, a poller) for one platform; started and stopped with
# the event runtime, wherever it runs (``rustok serve``, ``rustok worker``).
BackgroundFactory = Callable[["Platform"], "BackgroundService"]


@dataclass(frozen=True, kw_only=True)
class ModuleSpec:
    slug: str
    name: str
    description: str
    version: str
    dependencies: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    event_types: tuple[type[EventPayload], ...] = ()
    # Litestar route handlers/controllers/routers; typed loosely so core stays framework-free.
    route_handlers: Sequence[Any] = ()
    graphql_query: type | None = None
    graphql_mutation: type | None = None
    consumers: Sequence[ConsumerSpec] = ()
    # Housekeeping on a timer (rustok.core.jobs), run where the event runtime runs.
    jobs: Sequence[PeriodicJob] = ()
    background: Sequence[BackgroundFactory] = ()
    on_enable: ModuleHook | None = None
    on_disable: ModuleHook | None = None
    health: HealthProbe | None = None
    demo: DemoSeeder | None = None
    # Route prefixes that answer 404 for tenants that disabled the module.
    route_prefixes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not SLUG_RE.match(self.slug):
            raise ValueError(f"module slug {self.slug!r} must match {SLUG_RE.pattern}")
        for permission in self.permissions:
            if not PERMISSION_RE.match(permission):
                raise ValueError(f"{self.slug}: bad permission {permission!r} (resource:action)")
        if self.slug in self.dependencies:
            raise ValueError(f"module {self.slug!r} depends on itself")

    async def check_health(self) -> ModuleHealth:
        if self.health is None:
            return ModuleHealth()
        try:
            return await self.health()
        except Exception as exc:  # noqa: BLE001 - a probe failure is a health answer, not a crash
            return ModuleHealth("unhealthy", f"{type(exc).__name__}: {exc}")
