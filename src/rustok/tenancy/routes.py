"""REST: tenant administration (super admins of the default tenant), module toggles, and a
tenant's own store settings (its administrators)."""

from __future__ import annotations

import uuid

import msgspec
from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from rustok.core.context import current_context
from rustok.tenancy.modules import ModuleRead, ModuleToggle
from rustok.tenancy.schemas import TenantCreate, TenantRead, TenantUpdate
from rustok.tenancy.store import StoreRead, StoreUpdate
from rustok.tenancy.tenancy_runtime import TenancyRuntime
from rustok.web.guards import default_tenant_only
from rustok.web.pages import Page, PageOf, PerPage

Tenancy = NamedDependency[TenancyRuntime]


class TenantPage(PageOf[TenantRead], frozen=True, kw_only=True):
    items: list[TenantRead]


class CurrentTenant(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    slug: str
    name: str
    default_locale: str
    currency_code: str
    modules: list[str]


class CurrentTenantController(Controller):
    path = "/api/tenant"
    tags = ["tenancy"]

    @get("/", public=True, optional_auth=True, graphql_twin="currentTenant")
    async def current(self) -> CurrentTenant:
        """The tenant this request resolved to (what a storefront shows in its header)."""
        tenant = current_context().tenant
        assert tenant is not None
        return CurrentTenant(
            id=tenant.id, slug=tenant.slug, name=tenant.name, default_locale=tenant.default_locale,
            currency_code=tenant.currency_code, modules=sorted(tenant.enabled_modules),
        )  # fmt: skip


class TenantAdminController(Controller):
    path = "/api/admin/tenants"
    tags = ["admin"]
    guards = [default_tenant_only]

    @post("/", permission="tenants:create", status_code=201, graphql_twin="createTenant")
    async def create(self, tenancy: Tenancy, data: JSONBody[TenantCreate]) -> TenantRead:
        """Create a tenant with its system roles, locales and modules."""
        return await tenancy.tenants().create(data)

    @get("/", permission="tenants:list", graphql_twin="tenants")
    async def list_tenants(
        self, tenancy: Tenancy, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20
    ) -> TenantPage:
        """All tenants, oldest first."""
        items, total = await tenancy.tenants().list(page=page, per_page=per_page)
        return TenantPage(items=items, page=page, per_page=per_page, total=total)

    @get("/{tenant_id:uuid}", permission="tenants:read", graphql_twin="tenant")
    async def get_tenant(self, tenancy: Tenancy, tenant_id: FromPath[uuid.UUID]) -> TenantRead:
        """One tenant."""
        return await tenancy.tenants().get(tenant_id)

    @patch("/{tenant_id:uuid}", permission="tenants:update", graphql_twin="updateTenant")
    async def update(
        self, tenancy: Tenancy, tenant_id: FromPath[uuid.UUID], data: JSONBody[TenantUpdate]
    ) -> TenantRead:
        """Change name, domain, locales, currency, settings or ``is_active``."""
        return await tenancy.tenants().update(tenant_id, data)


class ModulesController(Controller):
    path = "/api/modules"
    tags = ["modules"]

    @get("/", permission="modules:list", graphql_twin="tenantModules")
    async def list_modules(self, tenancy: Tenancy) -> list[ModuleRead]:
        """Installed modules and whether this tenant has them on."""
        return await tenancy.modules().list()

    @put("/{slug:str}", permission="modules:update", graphql_twin="setModuleEnabled")
    async def toggle(
        self, tenancy: Tenancy, slug: FromPath[str], data: JSONBody[ModuleToggle]
    ) -> ModuleRead:
        """Enable or disable a module for this tenant (409 on dependency conflicts)."""
        return await tenancy.modules().set_enabled(slug, data.enabled)


class StoreSettingsController(Controller):
    path = "/api/admin/store"
    tags = ["admin"]

    @get("/", permission="settings:read", graphql_twin="storeSettings")
    async def store(self, tenancy: Tenancy) -> StoreRead:
        """This tenant's locales, currency and modules (with the ones it must keep on)."""
        return await tenancy.store().read()

    @patch("/", permission="settings:update", graphql_twin="updateStoreSettings")
    async def update_store(self, tenancy: Tenancy, data: JSONBody[StoreUpdate]) -> StoreRead:
        """Change this tenant's locales, default currency and modules (``{"slug": true}``),
        within what the platform allows (installed, required, dependencies: 404/409 before
        any change)."""
        return await tenancy.store().update(data)
