"""The tenancy parts a running server holds: directory (cache), resolver, invalidation bus."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from rustok.core.platform import Platform, ReadinessCheck
from rustok.tenancy.directory import TenantDirectory
from rustok.tenancy.invalidation import TenantInvalidationBus
from rustok.tenancy.modules import ModuleToggleService
from rustok.tenancy.resolver import TenantResolver
from rustok.tenancy.service import TenantService


@dataclass
class TenancyRuntime:
    platform: Platform
    directory: TenantDirectory
    resolver: TenantResolver
    invalidation: TenantInvalidationBus
    _subscriber: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, platform: Platform) -> TenancyRuntime:
        settings = platform.settings
        directory = TenantDirectory(platform.db, platform.modules, settings.default_modules)
        runtime = cls(
            platform=platform,
            directory=directory,
            resolver=TenantResolver(settings, directory),
            invalidation=TenantInvalidationBus(directory, settings.redis_url),
        )
        if runtime.invalidation.distributed:
            platform.readiness.append(
                ReadinessCheck("tenant_cache", runtime.invalidation.check, critical=False)
            )
        return runtime

    def tenants(self) -> TenantService:
        return TenantService(self.platform, self.invalidation)

    def modules(self) -> ModuleToggleService:
        return ModuleToggleService(self.platform, self.directory, self.invalidation)

    async def start(self) -> None:
        self._subscriber = asyncio.create_task(self.invalidation.run(), name="tenant-invalidation")

    async def stop(self) -> None:
        if self._subscriber is not None:
            self._subscriber.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._subscriber
        await self.invalidation.aclose()
