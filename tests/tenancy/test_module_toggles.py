"""Per-tenant module toggles (T-6): dependencies, hooks in the transaction, 404 when off."""

from __future__ import annotations

import pytest
from litestar import Controller, get
from sqlalchemy import select

from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, use_context
from rustok.core.module import ModuleHookContext, ModuleSpec
from rustok.core.settings import Settings
from rustok.outbox.models import OutboxEvent
from rustok.tenancy.errors import ModuleConflict, ModuleHookFailed, ModuleNotFound
from rustok.tenancy.models import Tenant, TenantModule
from rustok.tenancy.schemas import TenantCreate
from tests.conftest import serve_app

hook_calls: list[str] = []


class BaseController(Controller):
    path = "/api/base-mod"

    @get("/ping", public=True)
    async def ping(self) -> dict[str, str]:
        return {"module": "base"}


class AddonController(Controller):
    path = "/api/addon-mod"

    @get("/ping", public=True)
    async def ping(self) -> dict[str, str]:
        return {"module": "addon"}


async def _enable_addon(ctx: ModuleHookContext) -> None:
    hook_calls.append(f"enable:{ctx.tenant_id}")
    # A side effect in the same transaction: renames the tenant, rolled back on failure.
    tenant = await ctx.session.get(Tenant, ctx.tenant_id)
    assert tenant is not None
    tenant.name = "renamed by hook"
    await ctx.session.flush()
    if ctx.settings.get("fail") or hook_calls.count("fail-next"):
        raise RuntimeError("hook exploded")


BASE = ModuleSpec(
    slug="base_mod", name="Base", description="b", version="1", route_handlers=[BaseController]
)
ADDON = ModuleSpec(
    slug="addon_mod", name="Addon", description="a", version="1", dependencies=("base_mod",),
    route_handlers=[AddonController], on_enable=_enable_addon,
)  # fmt: skip


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [ADDON, BASE]


@pytest.mark.sql_free
async def test_registry_orders_dependencies_first(app: RustokApp) -> None:
    assert app.platform.modules.slugs() == ["base_mod", "addon_mod"]


async def test_toggles_and_routes(app: RustokApp, settings: Settings) -> None:
    tenancy = app.tenancy
    acme = await tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    async with serve_app(app) as client:
        headers = {"X-Tenant-ID": "acme"}
        assert (await client.get("/api/addon-mod/ping", headers=headers)).json() == {
            "module": "addon"
        }
        acme_ref = await tenancy.directory.by_slug("acme")
        assert acme_ref is not None
        with use_context(RequestContext(tenant=acme_ref)):
            service = tenancy.modules()
            listed = {m.slug: m.enabled for m in await service.list()}
            assert listed == {"base_mod": True, "addon_mod": True}
            with pytest.raises(ModuleConflict, match="needed by 'addon_mod'") as conflict:
                await service.set_enabled("base_mod", False)
            assert conflict.value.errors == {"dependents": ["addon_mod"]}
            assert (await service.set_enabled("addon_mod", False)).enabled is False
        # Routes of a disabled module answer 404 for this tenant only.
        off = await client.get("/api/addon-mod/ping", headers=headers)
        assert off.status_code == 404
        assert off.json()["code"] == "NOT_FOUND"
        assert (await client.get("/api/addon-mod/ping")).status_code == 200  # default tenant
        acme_ref = await tenancy.directory.by_slug("acme")
        assert acme_ref is not None and "addon_mod" not in acme_ref.enabled_modules
        with use_context(RequestContext(tenant=acme_ref)):
            assert (await tenancy.modules().set_enabled("base_mod", False)).enabled is False
        acme_ref = await tenancy.directory.by_slug("acme")
        assert acme_ref is not None
        with use_context(RequestContext(tenant=acme_ref)):
            with pytest.raises(ModuleConflict, match="needs 'base_mod' enabled first"):
                await tenancy.modules().set_enabled("addon_mod", True)
            with pytest.raises(ModuleNotFound):
                await tenancy.modules().set_enabled("nope", True)
            await tenancy.modules().set_enabled("base_mod", True)
        acme_ref = await tenancy.directory.by_slug("acme")
        assert acme_ref is not None
        with use_context(RequestContext(tenant=acme_ref)):
            hook_calls.clear()
            assert (await tenancy.modules().set_enabled("addon_mod", True)).enabled is True
            assert hook_calls == [f"enable:{acme.id}"]
        assert (await client.get("/api/addon-mod/ping", headers=headers)).status_code == 200

    async with app.platform.db.read_session(all_tenants=True) as session:
        toggles = (await session.scalars(select(OutboxEvent).where(OutboxEvent.event_type == "module.toggled")
                                          .order_by(OutboxEvent.id))).all()  # fmt: skip
        assert [(e.payload["module"], e.payload["enabled"]) for e in toggles] == [
            ("addon_mod", False), ("base_mod", False), ("base_mod", True), ("addon_mod", True)
        ]  # fmt: skip


async def test_failing_hook_rolls_back(app: RustokApp) -> None:
    tenancy = app.tenancy
    await tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    async with serve_app(app):
        ref = await tenancy.directory.by_slug("acme")
        assert ref is not None
        with use_context(RequestContext(tenant=ref)):
            await tenancy.modules().set_enabled("addon_mod", False)
        ref = await tenancy.directory.by_slug("acme")
        assert ref is not None
        with use_context(RequestContext(tenant=ref)):
            hook_calls.append("fail-next")
            try:
                with pytest.raises(
                    ModuleHookFailed, match="the on_enable hook of 'addon_mod' failed"
                ):
                    await tenancy.modules().set_enabled("addon_mod", True)
            finally:
                hook_calls.clear()
    async with app.platform.db.read_session(all_tenants=True) as session:
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == "acme"))
        assert tenant is not None and tenant.name == "Acme"  # the hook's change was rolled back
        row = await session.scalar(select(TenantModule).where(
            TenantModule.tenant_id == tenant.id, TenantModule.module_slug == "addon_mod"))  # fmt: skip
        assert row is not None and row.enabled is False


async def test_default_modules_setting_limits_new_tenants(db_url: str, tmp_path: object) -> None:
    from pathlib import Path

    from tests.conftest import make_settings

    assert isinstance(tmp_path, Path)
    settings = make_settings(db_url, tmp_path, default_modules=("base_mod",))
    app = create_app(settings, platform=bootstrap(settings, modules=[ADDON, BASE]))
    async with serve_app(app):
        await app.tenancy.tenants().create(TenantCreate(slug="lean", name="Lean"))
        ref = await app.tenancy.directory.by_slug("lean")
        assert ref is not None
        assert ref.enabled_modules == frozenset({"base_mod"})
