"""The tenancy parts a running server holds: the directory (cache) and the resolver."""

from __future__ import annotations

from dataclasses import dataclass

from rustok.core.invalidation import InvalidationBus
from rustok.core.platform import Platform
from rustok.tenancy.directory import TenantDirectory
from rustok.tenancy.modules import ModuleToggleService
from rustok.tenancy.resolver import TenantResolver
from rustok.tenancy.service import TenantService


@dataclass
class TenancyRuntime:
    platform: Platform
    directory: TenantDirectory
    resolver: TenantResolver

    @classmethod
    def build(cls, platform: Platform) -> TenancyRuntime:
        settings = platform.settings
        directory = TenantDirectory(platform.db, platform.modules, settings.default_modules)
        platform.invalidation.register(directory.invalidate)
        return cls(
            platform=platform, directory=directory, resolver=TenantResolver(settings, directory)
        )

    @property
    def invalidation(self) -> InvalidationBus:
        return self.platform.invalidation

    def tenants(self) -> TenantService:
        return TenantService(self.platform, self.invalidation)

    def modules(self) -> ModuleToggleService:
        return ModuleToggleService(self.platform, self.directory, self.invalidation)
