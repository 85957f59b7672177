"""Per-tenant module toggles (T-6): dependency checks, hooks in the transaction, events."""

from __future__ import annotations

import msgspec
from sqlalchemy import select

from rustok.audit.log import record
from rustok.core.context import current_context
from rustok.core.db import utcnow
from rustok.core.errors import RustokError
from rustok.core.invalidation import InvalidationBus
from rustok.core.module import ModuleHookContext, ModuleSpec
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.tenancy.directory import TenantDirectory, keys_for
from rustok.tenancy.errors import (
    ModuleConflict,
    ModuleHookFailed,
    ModuleNotFound,
    ModuleRequired,
)
from rustok.tenancy.events import ModuleToggled
from rustok.tenancy.models import TenantModule


class ModuleRead(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    name: str
    description: str
    version: str
    dependencies: list[str]
    enabled: bool


class ModuleToggle(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    enabled: bool


class ModuleToggleService:
    def __init__(
        self,
        platform: Platform,
        directory: TenantDirectory,
        invalidation: InvalidationBus,
    ) -> None:
        self._platform = platform
        self._directory = directory
        self._invalidation = invalidation

    async def _stored(self, uow: UnitOfWork) -> dict[str, TenantModule]:
        rows = await uow.session.scalars(select(TenantModule).with_for_update())
        return {row.module_slug: row for row in rows}

    def _read(self, spec: ModuleSpec, enabled: frozenset[str]) -> ModuleRead:
        return ModuleRead(
            slug=spec.slug, name=spec.name, description=spec.description,
            version=spec.version, dependencies=list(spec.dependencies),
            enabled=spec.slug in enabled,
        )  # fmt: skip

    async def list(self, enabled: frozenset[str] | None = None) -> list[ModuleRead]:
        """Installed modules, on or off for this tenant (``enabled``: as just changed)."""
        tenant = current_context().tenant
        assert tenant is not None
        on = tenant.enabled_modules if enabled is None else enabled
        return [self._read(spec, on) for spec in self._platform.modules]

    async def set_enabled(self, slug: str, enabled: bool) -> ModuleRead:
        tenant = current_context().tenant
        assert tenant is not None
        spec = self._platform.modules.get(slug)
        if spec is None:
            raise ModuleNotFound(f"no module {slug!r} is installed")
        if not enabled and slug in self._platform.settings.required_modules:
            raise ModuleRequired(f"this platform requires {slug!r}", errors={"modules": [slug]})
        async with self._platform.uow() as uow:
            stored = await self._stored(uow)
            current = self._directory.enabled_modules({k: v.enabled for k, v in stored.items()})
            if enabled:
                missing = [d for d in spec.dependencies if d not in current]
                if missing:
                    raise ModuleConflict(
                        f"{slug!r} needs {', '.join(repr(m) for m in missing)} enabled first",
                        errors={"dependencies": missing},
                    )
            else:
                dependents = [d for d in self._platform.modules.dependents_of(slug) if d in current]
                if dependents:
                    raise ModuleConflict(
                        f"{slug!r} is needed by {', '.join(repr(d) for d in dependents)}; "
                        "disable those first",
                        errors={"dependents": dependents},
                    )
            if (slug in current) != enabled:
                await self._toggle(uow, spec, stored.get(slug), enabled)
                uow.publish(ModuleToggled(tenant_id=tenant.id, module=slug, enabled=enabled))
                record(
                    uow.session,
                    "module.toggled",
                    resource="modules",
                    resource_id=slug,
                    enabled=enabled,
                )
                await uow.commit()
                current = current | {slug} if enabled else current - {slug}
        await self._invalidation.publish(keys_for(tenant.id, [tenant.slug], [tenant.domain]))
        return self._read(spec, frozenset(current))

    async def _toggle(
        self, uow: UnitOfWork, spec: ModuleSpec, row: TenantModule | None, enabled: bool
    ) -> None:
        tenant_id = current_context().tenant_id
        assert tenant_id is not None
        if row is None:
            row = TenantModule(module_slug=spec.slug, enabled=enabled, settings={})
            uow.session.add(row)
        row.enabled = enabled
        row.changed_at = utcnow()
        await uow.session.flush()
        hook = spec.on_enable if enabled else spec.on_disable
        if hook is None:
            return
        try:
            await hook(ModuleHookContext(uow.session, tenant_id, dict(row.settings)))
        except RustokError:
            raise
        except Exception as exc:
            which = "on_enable" if enabled else "on_disable"
            raise ModuleHookFailed(f"the {which} hook of {spec.slug!r} failed") from exc
