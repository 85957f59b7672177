"""``/admin/tenants`` (super admins of the default tenant: ``tenants:list``) and
``/admin/modules``, this tenant's modules and switching one on or off (``modules:list`` and
``modules:update``, as ``/api/modules``), through ``TenantService`` and ``ModuleService``.
Tenant list statements (50 rows): the session check, the count, the page and its locales."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from rustok.api.deps import tenancy_from_state
from rustok.core.errors import ValidationFailed
from rustok.web.admin.i18n import N_, gettext
from rustok.web.admin.lists import PER_PAGE, Column, ListSpec, ListView, list_query
from rustok.web.admin.render import Crumb, page, redirect_with_flash
from rustok.web.guards import default_tenant_only

AnyRequest = Request[Any, Any, Any]
TENANTS_PATH = "/admin/tenants"
MODULES_PATH = "/admin/modules"
TENANT_LIST = ListSpec(
    columns=(
        Column("name", N_("Name")), Column("slug", N_("Slug")), Column("domain", N_("Domain")),
        Column("state", N_("State")), Column("created", N_("Created"), sort="created"),
    ),
    sorts=("created",), default_sort="created", searchable=False,
)  # fmt: skip


class TenantsAdminController(Controller):
    path = TENANTS_PATH
    guards = [default_tenant_only]
    include_in_schema = False

    @get("/", permission="tenants:list")
    async def list_tenants(self, request: AnyRequest) -> Response[str]:
        """Every tenant, oldest first."""
        query = list_query(request, TENANT_LIST)
        if query.descending:
            raise ValidationFailed("oldest first only", errors={"sort": ["oldest first only"]})
        tenants = tenancy_from_state(request.app.state).tenants()
        items, total = await tenants.list(page=query.page, per_page=PER_PAGE)
        return page(
            request, "platform/tenants_list.html", title=gettext("Tenants"),
            crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Tenants"))],
            view=ListView(TENANT_LIST, query, TENANTS_PATH, items, total),
        )  # fmt: skip


class ModulesAdminController(Controller):
    path = MODULES_PATH
    include_in_schema = False

    @get("/", permission="modules:list")
    async def list_modules(self, request: AnyRequest) -> Response[str]:
        """The installed modules and whether this tenant has them on."""
        modules = await tenancy_from_state(request.app.state).modules().list()
        return page(
            request, "platform/modules.html", title=gettext("Modules"),
            crumbs=[Crumb(gettext("Platform")), Crumb(gettext("Modules"))], modules=modules,
        )  # fmt: skip

    @post("/{slug:str}", permission="modules:update")
    async def toggle(self, request: AnyRequest, slug: FromPath[str]) -> Response[Any]:
        """Switch a module on or off for this tenant (a dependency conflict: a 409 page)."""
        form = await request.form()
        enabled = form.get("enabled")
        if enabled not in ("true", "false"):
            raise ValidationFailed("bad enabled", errors={"enabled": ["true or false"]})
        await tenancy_from_state(request.app.state).modules().set_enabled(slug, enabled == "true")
        message = N_("The module is on.") if enabled == "true" else N_("The module is off.")
        return redirect_with_flash(request, MODULES_PATH, message)
