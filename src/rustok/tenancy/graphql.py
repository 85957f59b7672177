"""GraphQL: tenant administration (super admins of the default tenant) and this tenant's
module toggles, through the same ``TenantService``/``ModuleToggleService`` as
``/api/admin/tenants`` and ``/api/modules``."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import UNSET
from strawberry.scalars import JSON

from rustok.tenancy.modules import ModuleRead
from rustok.tenancy.schemas import TenantCreate, TenantRead, TenantUpdate
from rustok.tenancy.store import StoreRead, StoreUpdate
from rustok.tenancy.tenancy_runtime import TenancyRuntime
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.inputs import convert, input_dict, patch_dict
from rustok.web.permissions import DefaultTenantOnly, requires


@strawberry.type(name="TenantLocale")
class TenantLocaleType:
    locale: str
    fallback: str | None
    enabled: bool


@strawberry.type(name="TenantDetail", description="A tenant as platform administrators see it.")
class TenantDetailType:
    id: strawberry.ID
    slug: str
    name: str
    domain: str | None
    is_active: bool
    default_locale: str
    currency_code: str
    locales: list[TenantLocaleType]
    settings: JSON
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, read: TenantRead) -> TenantDetailType:
        locales = [TenantLocaleType(locale=x.locale, fallback=x.fallback, enabled=x.enabled)
                   for x in read.locales]  # fmt: skip
        return cls(
            id=strawberry.ID(str(read.id)), slug=read.slug, name=read.name, domain=read.domain,
            is_active=read.is_active, default_locale=read.default_locale,
            currency_code=read.currency_code, locales=locales, settings=JSON(read.settings),
            created_at=read.created_at, updated_at=read.updated_at,
        )  # fmt: skip


@strawberry.type(name="TenantDetailList")
class TenantDetailList:
    items: list[TenantDetailType]
    total_count: int


@strawberry.type(name="TenantModule")
class TenantModuleType:
    slug: str
    name: str
    description: str
    version: str
    dependencies: list[str]
    enabled: bool

    @classmethod
    def of(cls, read: ModuleRead) -> TenantModuleType:
        return cls(
            slug=read.slug, name=read.name, description=read.description, version=read.version,
            dependencies=read.dependencies, enabled=read.enabled,
        )  # fmt: skip


@strawberry.input(name="TenantLocaleInput")
class TenantLocaleInputType:
    locale: str
    fallback: str | None = None
    enabled: bool | None = None


@strawberry.input(name="TenantCreateInput")
class TenantCreateInputType:
    slug: str
    name: str
    domain: str | None = None
    default_locale: str | None = None
    currency_code: str | None = None
    locales: list[TenantLocaleInputType] | None = None
    settings: JSON | None = None


@strawberry.input(
    name="TenantUpdateInput", description="Left-out fields stay; null domain removes it."
)
class TenantUpdateInputType:
    name: str | None = UNSET
    domain: str | None = UNSET
    is_active: bool | None = UNSET
    default_locale: str | None = UNSET
    currency_code: str | None = UNSET
    locales: list[TenantLocaleInputType] | None = UNSET
    settings: JSON | None = UNSET


@strawberry.type(name="StoreSettings", description="This tenant's locales, currency and modules.")
class StoreSettingsType:
    slug: str
    name: str
    default_locale: str
    currency_code: str
    locales: list[TenantLocaleType]
    modules: list[TenantModuleType]
    required_modules: list[str]

    @classmethod
    def of(cls, read: StoreRead) -> StoreSettingsType:
        locales = [TenantLocaleType(locale=x.locale, fallback=x.fallback, enabled=x.enabled)
                   for x in read.locales]  # fmt: skip
        return cls(
            slug=read.slug, name=read.name, default_locale=read.default_locale,
            currency_code=read.currency_code, locales=locales,
            modules=[TenantModuleType.of(m) for m in read.modules],
            required_modules=read.required_modules,
        )  # fmt: skip


@strawberry.input(name="ModuleSwitchInput")
class ModuleSwitchInputType:
    slug: str
    enabled: bool


@strawberry.input(name="StoreSettingsInput", description="Left-out fields stay as they are.")
class StoreSettingsInputType:
    default_locale: str | None = UNSET
    currency_code: str | None = UNSET
    locales: list[TenantLocaleInputType] | None = UNSET
    modules: list[ModuleSwitchInputType] | None = UNSET


def _store_update(input: StoreSettingsInputType) -> StoreUpdate:
    fields = patch_dict(input)
    if isinstance(fields.get("modules"), list):
        fields["modules"] = {m["slug"]: m["enabled"] for m in fields["modules"]}
    return convert(fields, StoreUpdate)


def _tenancy(info: RustokInfo) -> TenancyRuntime:
    return info.context.runtime(TenancyRuntime)


@strawberry.type
class TenancyQuery:
    @strawberry.field(permission_classes=[requires("tenants:list"), DefaultTenantOnly])
    async def tenants(
        self, info: RustokInfo, page: int = 1, per_page: int = 20
    ) -> TenantDetailList:
        """All tenants, oldest first."""
        check_page(page, per_page)
        items, total = await _tenancy(info).tenants().list(page=page, per_page=per_page)
        return TenantDetailList(items=[TenantDetailType.of(t) for t in items], total_count=total)

    @strawberry.field(permission_classes=[requires("tenants:read"), DefaultTenantOnly])
    async def tenant(self, info: RustokInfo, id: strawberry.ID) -> TenantDetailType:
        return TenantDetailType.of(await _tenancy(info).tenants().get(parse_id(id)))

    @strawberry.field(
        permission_classes=[requires("modules:list")],
        description="Installed modules and whether this tenant has them on.",
    )
    async def tenant_modules(self, info: RustokInfo) -> list[TenantModuleType]:
        return [TenantModuleType.of(m) for m in await _tenancy(info).modules().list()]

    @strawberry.field(permission_classes=[requires("settings:read")])
    async def store_settings(self, info: RustokInfo) -> StoreSettingsType:
        """This tenant's locales, currency and modules (with the ones it must keep on)."""
        return StoreSettingsType.of(await _tenancy(info).store().read())


@strawberry.type
class TenancyMutation:
    @strawberry.mutation(permission_classes=[requires("tenants:create"), DefaultTenantOnly])
    async def create_tenant(
        self, info: RustokInfo, input: TenantCreateInputType
    ) -> TenantDetailType:
        """Create a tenant with its system roles, locales and modules."""
        data = convert(input_dict(input), TenantCreate)
        return TenantDetailType.of(await _tenancy(info).tenants().create(data))

    @strawberry.mutation(permission_classes=[requires("tenants:update"), DefaultTenantOnly])
    async def update_tenant(
        self, info: RustokInfo, id: strawberry.ID, input: TenantUpdateInputType
    ) -> TenantDetailType:
        data = convert(patch_dict(input), TenantUpdate)
        return TenantDetailType.of(await _tenancy(info).tenants().update(parse_id(id), data))

    @strawberry.mutation(
        permission_classes=[requires("modules:update")],
        description="Enable or disable a module for this tenant (CONFLICT on dependencies).",
    )
    async def set_module_enabled(
        self, info: RustokInfo, slug: str, enabled: bool
    ) -> TenantModuleType:
        found = await _tenancy(info).modules().set_enabled(slug, enabled)
        return TenantModuleType.of(found)

    @strawberry.mutation(
        permission_classes=[requires("settings:update")],
        description="Change this tenant's locales, default currency and modules, within what "
        "the platform allows (NOT_FOUND/CONFLICT before any change).",
    )
    async def update_store_settings(
        self, info: RustokInfo, input: StoreSettingsInputType
    ) -> StoreSettingsType:
        return StoreSettingsType.of(await _tenancy(info).store().update(_store_update(input)))
