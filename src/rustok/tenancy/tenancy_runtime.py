"""The tenancy parts a running server holds: the directory (cache) and the resolver."""

from __future__ import annotations

from dataclasses import dataclass

from rustok.core.consumer import ConsumerSpec, consumer
from rustok.core.events import Envelope
from rustok.core.invalidation import InvalidationBus
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.tenancy.directory import TenantDirectory, keys_for
from rustok.tenancy.events import ModuleToggled, TenantCreated, TenantUpdated
from rustok.tenancy.modules import ModuleToggleService
from rustok.tenancy.resolver import TenantResolver
from rustok.tenancy.service import TenantService
from rustok.tenancy.store import StoreSettingsService


@dataclass
class TenancyRuntime:
    platform: Platform
    directory: TenantDirectory
    resolver: TenantResolver

    @classmethod
    def build(cls, platform: Platform) -> TenancyRuntime:
        settings = platform.settings
        directory = platform.tenants
        if not isinstance(directory, TenantDirectory):
            directory = attach_directory(platform)
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

    def store(self) -> StoreSettingsService:
        return StoreSettingsService(self.platform, self.tenants(), self.modules())


def attach_directory(platform: Platform) -> TenantDirectory:
    """The platform's tenant directory, kept fresh by the bus and by tenant events.

    Built once by bootstrap, so worker-only processes have it too.
    """
    directory = TenantDirectory(platform.db, platform.modules, platform.settings.default_modules)
    platform.invalidation.register(directory.invalidate)
    platform.consumers.append(cache_consumer(directory))
    platform.tenants = directory
    return directory


def cache_consumer(directory: TenantDirectory) -> ConsumerSpec:
    """Drops a changed tenant from this process's cache when its event is handled here.

    This is how a change made by another process (the CLI) reaches a running instance that
    has no Redis: its relay picks the event up from the outbox.
    """

    @consumer("tenancy.cache", on=[TenantCreated, TenantUpdated, ModuleToggled])
    async def drop(
        payload: TenantCreated | TenantUpdated | ModuleToggled, envelope: Envelope, uow: UnitOfWork
    ) -> None:
        slugs = [getattr(payload, "slug", ""), getattr(payload, "previous_slug", None) or ""]
        hosts = [getattr(payload, "domain", None), getattr(payload, "previous_domain", None)]
        directory.invalidate(keys_for(payload.tenant_id, slugs, hosts))

    return drop
