"""A tenant's own store settings, changed by its administrators (``settings:update``): the
locales, the default currency and which of the installed modules are on.

Within what the platform allows: only installed modules, never off when the deployment
requires them (``RUSTOK_REQUIRED_MODULES``) or when another module that stays on needs them,
never on without the modules they need. The whole change is checked before anything is
written; then the locales and currency are written (``tenant.updated`` audit entry and
event), then each module toggle in dependency order (``module.toggled`` each), through the
same services as the platform administrators' routes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import msgspec

from rustok.core.context import current_context
from rustok.core.platform import Platform
from rustok.tenancy.errors import ModuleConflict, ModuleNotFound, ModuleRequired
from rustok.tenancy.modules import ModuleRead, ModuleToggleService
from rustok.tenancy.schemas import CurrencyCode, LocaleSetting, LocaleTag, TenantUpdate
from rustok.tenancy.service import TenantService

ModuleSlug = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class StoreUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH: fields left out stay as they are; ``modules`` maps slugs to on/off."""

    default_locale: LocaleTag | msgspec.UnsetType = msgspec.UNSET
    currency_code: CurrencyCode | msgspec.UnsetType = msgspec.UNSET
    locales: list[LocaleSetting] | msgspec.UnsetType = msgspec.UNSET
    modules: Annotated[dict[ModuleSlug, bool], msgspec.Meta(max_length=100)] | msgspec.UnsetType = (
        msgspec.UNSET
    )


class StoreRead(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    name: str
    default_locale: str
    currency_code: str
    locales: list[LocaleSetting]
    modules: list[ModuleRead]
    # Modules this deployment does not let a tenant switch off.
    required_modules: list[str]


class StoreSettingsService:
    def __init__(
        self, platform: Platform, tenants: TenantService, modules: ModuleToggleService
    ) -> None:
        self._platform = platform
        self._tenants = tenants
        self._modules = modules

    async def read(self, enabled: frozenset[str] | None = None) -> StoreRead:
        """The store as it is (``enabled``: the modules on, when just changed)."""
        tenant_id = current_context().tenant_id
        assert tenant_id is not None
        tenant = await self._tenants.get(tenant_id)
        return StoreRead(
            slug=tenant.slug, name=tenant.name, default_locale=tenant.default_locale,
            currency_code=tenant.currency_code, locales=tenant.locales,
            modules=await self._modules.list(enabled),
            required_modules=sorted(self._platform.settings.required_modules),
        )  # fmt: skip

    async def update(self, patch: StoreUpdate) -> StoreRead:
        """Check the whole change, then write it (409/404 before any write)."""
        tenant = current_context().tenant
        assert tenant is not None
        wanted = {} if patch.modules is msgspec.UNSET else patch.modules
        toggles = self._planned_toggles(tenant.enabled_modules, wanted)
        fields = {
            f: getattr(patch, f)
            for f in ("default_locale", "currency_code", "locales")
            if getattr(patch, f) is not msgspec.UNSET
        }
        if fields:
            await self._tenants.update(tenant.id, TenantUpdate(**fields))
        enabled = set(tenant.enabled_modules)
        for slug, on in toggles:
            await self._modules.set_enabled(slug, on)
            enabled = enabled | {slug} if on else enabled - {slug}
        return await self.read(frozenset(enabled))

    def _planned_toggles(
        self, current: frozenset[str], wanted: Mapping[str, bool]
    ) -> list[tuple[str, bool]]:
        """The toggles that take ``current`` to ``wanted``, dependencies first on the way
        up and dependents first on the way down; refused as a whole if the end state breaks
        a rule."""
        registry = self._platform.modules
        unknown = sorted(slug for slug in wanted if registry.get(slug) is None)
        if unknown:
            raise ModuleNotFound(
                f"not installed: {', '.join(unknown)}", errors={"modules": unknown}
            )
        required = sorted(
            slug for slug, on in wanted.items()
            if not on and slug in self._platform.settings.required_modules
        )  # fmt: skip
        if required:
            raise ModuleRequired(
                f"this platform requires {', '.join(required)}", errors={"modules": required}
            )
        after = (current | {s for s, on in wanted.items() if on}) - {
            s for s, on in wanted.items() if not on
        }
        for slug in sorted(after):
            spec = registry.get(slug)
            missing = [d for d in spec.dependencies if d not in after] if spec else []
            if missing:
                raise ModuleConflict(
                    f"{slug!r} needs {', '.join(repr(m) for m in missing)} enabled",
                    errors={"dependencies": missing},
                )
        order = registry.slugs()  # dependencies before dependents
        ups = [(s, True) for s in order if s in after and s not in current]
        downs = [(s, False) for s in reversed(order) if s in current and s not in after]
        return downs + ups
