"""A key acts in its own tenant (K-2, T-8), in every resolution mode: in header mode without
a selector it selects its tenant; a tenant chosen otherwise must be the key's (403
``TENANT_MISMATCH``). The key is checked before the tenant, so a bad key is 401 first."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.auth.api_keys.schemas import ApiKeyCreate
from rustok.auth.api_keys.service import acting_user
from rustok.auth.users import create_user
from rustok.bootstrap import bootstrap
from rustok.core.context import RequestContext, use_context
from rustok.tenancy.schemas import TenantCreate, TenantUpdate
from tests.apps import MakeApp
from tests.auth.helpers import PASSWORD
from tests.auth.keys import with_key
from tests.conftest import make_settings, serve_app


@asynccontextmanager
async def serving(
    db_url: str, tmp_path: Path, make_app: MakeApp, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, RustokApp]]:
    settings = make_settings(db_url, tmp_path, **overrides)
    platform = bootstrap(settings, modules=[])
    app = make_app(settings, platform)
    try:
        async with serve_app(app) as client:
            yield client, app
    finally:
        await platform.aclose()


async def _tenant(app: RustokApp, slug: str, domain: str | None = None) -> uuid.UUID:
    created = await app.tenancy.tenants().create(TenantCreate(slug=slug, name=slug, domain=domain))
    return created.id


async def _key(app: RustokApp, tenant_id: uuid.UUID) -> str:
    """An admin of the tenant and a key of theirs, made through the service."""
    tenant = await app.platform.tenants.by_id(tenant_id)  # type: ignore[union-attr]
    with use_context(RequestContext(tenant=tenant)):
        async with app.platform.uow() as uow:
            await create_user(uow, email="owner@example.com", password=PASSWORD, role="admin")
            await uow.commit()
        actor = await acting_user(app.platform, app.auth.grants, "owner@example.com")
        created = await app.auth.api_keys.create(
            actor, ApiKeyCreate(name="k", permissions=["users:list"])
        )
    return created.key


async def _slug(client: httpx.AsyncClient, path: str, key: str, **headers: str) -> Any:
    response = await client.get(path, headers={**with_key(key), **headers})
    return response.json()["slug"] if response.status_code == 200 else response.json()["code"]


async def test_header_mode(db_url: str, tmp_path: Path, make_app: MakeApp) -> None:
    async with serving(db_url, tmp_path, make_app) as (client, app):
        shop = await _tenant(app, "shop")
        await _tenant(app, "acme")
        key = await _key(app, shop)
        assert await _slug(client, "/api/tenant", key) == "shop"  # the key selects its tenant
        assert await _slug(client, "/api/tenant", key, **{"X-Tenant-ID": "shop"}) == "shop"
        assert await _slug(client, "/api/tenant", key, **{"X-Tenant-ID": str(shop)}) == "shop"
        assert await _slug(client, "/api/tenant", key, **{"X-Tenant-ID": "acme"}) == (
            "TENANT_MISMATCH"
        )
        assert await _slug(client, "/api/tenant", key, **{"X-Tenant-ID": "default"}) == (
            "TENANT_MISMATCH"
        )
        assert await _slug(client, "/api/tenant", key, **{"X-Tenant-ID": "nope"}) == (
            "TENANT_NOT_FOUND"
        )
        # The key is checked before the tenant: a bad one is 401 whatever the selector says.
        assert await _slug(client, "/api/tenant", "rk_live_x", **{"X-Tenant-ID": "NOPE!"}) == (
            "INVALID_API_KEY"
        )
        users = await client.get("/api/graphql?query={users{totalCount}}", headers=with_key(key))
        assert users.json()["data"]["users"]["totalCount"] == 1  # the shop's owner, nobody else
        await app.tenancy.tenants().update(shop, TenantUpdate(is_active=False))
        assert await _slug(client, "/api/tenant", key) == "TENANT_DISABLED"


async def test_host_mode(db_url: str, tmp_path: Path, make_app: MakeApp) -> None:
    async with serving(db_url, tmp_path, make_app, tenant_resolution="host") as (client, app):
        shop = await _tenant(app, "shop", "shop.test")
        await _tenant(app, "acme", "acme.test")
        key = await _key(app, shop)
        assert await _slug(client, "/api/tenant", key, host="shop.test") == "shop"
        assert await _slug(client, "/api/tenant", key, host="acme.test") == "TENANT_MISMATCH"
        assert await _slug(client, "/api/tenant", key, host="nobody.test") == "TENANT_NOT_FOUND"


async def test_subdomain_mode(db_url: str, tmp_path: Path, make_app: MakeApp) -> None:
    async with serving(
        db_url, tmp_path, make_app, tenant_resolution="subdomain", tenant_base_domain="rk.test"
    ) as (client, app):
        shop = await _tenant(app, "shop")
        await _tenant(app, "acme")
        key = await _key(app, shop)
        assert await _slug(client, "/api/tenant", key, host="shop.rk.test") == "shop"
        assert await _slug(client, "/api/tenant", key, host="acme.rk.test") == "TENANT_MISMATCH"
        assert await _slug(client, "/api/tenant", key, host="rk.test") == "TENANT_MISMATCH"


async def test_path_mode(db_url: str, tmp_path: Path, make_app: MakeApp) -> None:
    async with serving(db_url, tmp_path, make_app, tenant_resolution="path") as (client, app):
        shop = await _tenant(app, "shop")
        await _tenant(app, "acme")
        key = await _key(app, shop)
        assert await _slug(client, "/t/shop/api/tenant", key) == "shop"
        assert await _slug(client, "/t/acme/api/tenant", key) == "TENANT_MISMATCH"
        # No prefix is the default tenant in path mode: not the key's.
        assert await _slug(client, "/api/tenant", key) == "TENANT_MISMATCH"


@pytest.mark.parametrize("own_tenant", [True, False])
async def test_disabled_mode(
    db_url: str, tmp_path: Path, make_app: MakeApp, own_tenant: bool
) -> None:
    async with serving(db_url, tmp_path, make_app, tenant_resolution="disabled") as (client, app):
        tenant_id = (await app.platform.tenants.by_slug("default")).id  # type: ignore[union-attr]
        if not own_tenant:
            tenant_id = await _tenant(app, "shop")
        key = await _key(app, tenant_id)
        want = "default" if own_tenant else "TENANT_MISMATCH"
        assert await _slug(client, "/api/tenant", key, **{"X-Tenant-ID": "shop"}) == want
