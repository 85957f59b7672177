"""Tenant administration and module toggles over REST (T-6, T-7)."""

from __future__ import annotations

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.module import ModuleSpec
from tests.auth.helpers import bearer, make_user, sign_in
from tests.tenancy.test_module_toggles import ADDON, BASE


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [ADDON, BASE]


async def _root(client: httpx.AsyncClient, app: RustokApp) -> dict[str, str]:
    await make_user(app.platform, "root@example.com", "super_admin")
    return bearer(await sign_in(client, "root@example.com"))


async def test_create_list_get_patch(client: httpx.AsyncClient, app: RustokApp) -> None:
    root = await _root(client, app)
    created = await client.post("/api/admin/tenants", headers=root, json={
        "slug": "Shop-One", "name": "Shop One", "domain": "shop.one.test", "default_locale": "de",
        "currency_code": "EUR", "locales": [{"locale": "en"}, {"locale": "de-at", "fallback": "de"}],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    tenant = created.json()
    assert (tenant["slug"], tenant["domain"], tenant["currency_code"]) == (
        "shop-one",
        "shop.one.test",
        "EUR",
    )
    assert tenant["locales"][0] == {"locale": "de", "fallback": None, "enabled": True}
    assert {"locale": "de-at", "fallback": "de", "enabled": True} in tenant["locales"]

    listed = (await client.get("/api/admin/tenants?per_page=1&page=2", headers=root)).json()
    assert listed["total"] == 2 and listed["page"] == 2 and listed["per_page"] == 1
    assert [t["slug"] for t in listed["items"]] == ["shop-one"]
    assert (await client.get(f"/api/admin/tenants/{tenant['id']}", headers=root)).json()[
        "name"
    ] == "Shop One"

    patched = await client.patch(f"/api/admin/tenants/{tenant['id']}", headers=root,
                                 json={"is_active": False, "domain": None, "name": "Shop 1"})  # fmt: skip
    assert patched.status_code == 200
    assert (patched.json()["is_active"], patched.json()["domain"], patched.json()["name"]) == (
        False,
        None,
        "Shop 1",
    )
    refused = await client.get("/api/tenant", headers={"X-Tenant-ID": "shop-one"})
    assert refused.status_code == 403 and refused.json()["code"] == "TENANT_DISABLED"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"slug": "admin", "name": "X"}, 400, "VALIDATION_ERROR", "slug"),
        ({"slug": "default", "name": "X"}, 409, "TENANT_EXISTS", "slug"),
        (
            {"slug": "ok", "name": "X", "currency_code": "usd"},
            400,
            "VALIDATION_ERROR",
            "currency_code",
        ),
        ({"slug": "ok", "name": "X", "domain": "-bad-.test"}, 400, "VALIDATION_ERROR", "domain"),
        (
            {"slug": "ok", "name": "X", "locales": [{"locale": "en", "fallback": "fr"}]},
            400,
            "VALIDATION_ERROR",
            "locales",
        ),
        ({"slug": "ok"}, 400, "VALIDATION_ERROR", "name"),
    ],
)
async def test_create_errors(client: httpx.AsyncClient, app: RustokApp, body: dict[str, object],
                             status: int, code: str, field: str) -> None:  # fmt: skip
    response = await client.post("/api/admin/tenants", headers=await _root(client, app), json=body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert field in response.json().get("errors", {field: None})


async def test_unknown_tenant_id_is_404_and_default_cannot_be_disabled(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    root = await _root(client, app)
    missing = await client.get(
        "/api/admin/tenants/00000000-0000-4000-8000-000000000099", headers=root
    )
    assert missing.status_code == 404 and missing.json()["code"] == "TENANT_NOT_FOUND"
    default = "00000000-0000-0000-0000-000000000001"
    refused = await client.patch(
        f"/api/admin/tenants/{default}", headers=root, json={"is_active": False}
    )
    assert refused.status_code == 409


async def test_only_super_admins_of_the_default_tenant(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    root = await _root(client, app)
    await client.post("/api/admin/tenants", headers=root, json={"slug": "acme", "name": "Acme"})
    await make_user(app.platform, "acme-root@example.com", "super_admin", tenant_slug="acme")
    acme_root = bearer(await sign_in(client, "acme-root@example.com", tenant="acme"), "acme")
    refused = await client.get("/api/admin/tenants", headers=acme_root)
    assert refused.status_code == 403


async def test_module_toggles_over_rest(client: httpx.AsyncClient, app: RustokApp) -> None:
    root = await _root(client, app)
    listed = (await client.get("/api/modules", headers=root)).json()
    assert {m["slug"]: m["enabled"] for m in listed} == {"base_mod": True, "addon_mod": True}
    conflict = await client.put("/api/modules/base_mod", headers=root, json={"enabled": False})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "MODULE_DEPENDENCY_CONFLICT"
    assert "addon_mod" in conflict.json()["detail"]
    assert (
        await client.put("/api/modules/addon_mod", headers=root, json={"enabled": False})
    ).json()["enabled"] is False
    assert (await client.get("/api/addon-mod/ping")).status_code == 404
    assert (
        await client.put("/api/modules/nope", headers=root, json={"enabled": True})
    ).status_code == 404
    bad = await client.put("/api/modules/addon_mod", headers=root, json={"enabled": "yes"})
    assert bad.status_code == 400


async def test_tenant_cache_metrics_are_exported(client: httpx.AsyncClient) -> None:
    await client.get("/api/tenant")
    text = (await client.get("/metrics")).text
    for name in ("rustok_tenant_cache_requests_total{result=\"hit\"}", "rustok_tenant_cache_coalesced_total",
                 "rustok_tenant_cache_entries", "rustok_tenant_cache_requests_total{result=\"miss\"}"):  # fmt: skip
        assert name in text


def test_locale_chain() -> None:
    import uuid

    from rustok.core.context import TenantRef

    tenant = TenantRef(
        id=uuid.uuid4(), slug="t", name="T", default_locale="en",
        locales=(("en", None), ("de", "en"), ("de-at", "de"), ("fr", "fr")),
    )  # fmt: skip
    assert tenant.locale_chain("de-at") == ["de-at", "de", "en"]
    assert tenant.locale_chain("de") == ["de", "en"]
    assert tenant.locale_chain("fr") == ["fr", "en"]  # a self-loop stops
    assert tenant.locale_chain("xx") == ["en"]  # unknown: the default
    assert tenant.locale_chain(None) == ["en"]


async def test_tenant_locales_reach_the_request_context(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    root = await _root(client, app)
    await client.post("/api/admin/tenants", headers=root, json={
        "slug": "multi", "name": "Multi", "default_locale": "en",
        "locales": [{"locale": "es"}, {"locale": "es-419", "fallback": "es"}],
    })  # fmt: skip
    ref = await app.tenancy.directory.by_slug("multi")
    assert ref is not None
    assert ref.locale_chain("es-419") == ["es-419", "es", "en"]
