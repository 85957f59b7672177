"""A tenant's administrators change their own store: locales, default currency and modules,
within what the platform allows (installed modules, dependencies, required modules), with an
audit entry; ``rustok tenant modules`` does the module part from the command line."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from rustok.api.app import RustokApp
from rustok.audit.models import AuditEntry
from rustok.cli.main import app as cli
from rustok.core.settings import Settings
from rustok.tenancy.schemas import TenantCreate
from tests.auth.helpers import bearer, make_user, sign_in
from tests.conftest import TEST_SECRET, make_settings, migrate_fresh

STORE = "/api/admin/store"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, required_modules=("pages",))


async def _shop(client: httpx.AsyncClient, app: RustokApp, role: str = "admin") -> dict[str, str]:
    """Headers of a ``role`` of a new tenant ``shop``."""
    await app.tenancy.tenants().create(TenantCreate(slug="shop", name="Shop"))
    await make_user(app.platform, f"{role}@shop.example", role, "shop")
    return bearer(await sign_in(client, f"{role}@shop.example", tenant="shop"), "shop")


def _on(body: dict[str, object]) -> list[str]:
    modules = body["modules"]
    assert isinstance(modules, list)
    return sorted(m["slug"] for m in modules if m["enabled"])


async def _audit(app: RustokApp, action: str) -> list[AuditEntry]:
    async with app.platform.db.read_session(all_tenants=True) as session:
        query = select(AuditEntry).where(AuditEntry.action == action)
        return list(await session.scalars(query.order_by(AuditEntry.created_at)))


async def test_an_admin_changes_locales_currency_and_modules(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _shop(client, app)
    shown = await client.get(STORE, headers=admin)
    assert shown.status_code == 200, shown.text
    assert shown.json()["currency_code"] == "USD" and shown.json()["required_modules"] == ["pages"]
    assert "forum" in _on(shown.json())
    changed = await client.patch(STORE, headers=admin, json={
        "currency_code": "EUR", "default_locale": "de",
        "locales": [{"locale": "de"}, {"locale": "en", "fallback": "de"}],
        "modules": {"forum": False},
    })  # fmt: skip
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["currency_code"], body["default_locale"]) == ("EUR", "de")
    assert body["locales"] == [
        {"locale": "de", "fallback": None, "enabled": True},
        {"locale": "en", "fallback": "de", "enabled": True},
    ]
    assert "forum" not in _on(body)
    # The storefront sees it at once; the module's routes are gone for this tenant.
    current = (await client.get("/api/tenant", headers={"X-Tenant-ID": "shop"})).json()
    assert current["currency_code"] == "EUR" and "forum" not in current["modules"]
    gone = await client.get("/api/forum/topics", headers={"X-Tenant-ID": "shop"})
    assert gone.status_code == 404
    assert (await client.get("/api/forum/topics")).status_code == 200  # other tenants keep it
    (updated,) = await _audit(app, "tenant.updated")
    assert updated.details["fields"] == ["default_locale", "currency_code", "locales"]
    (toggled,) = await _audit(app, "module.toggled")
    assert (toggled.resource_id, toggled.details["enabled"]) == ("forum", False)
    back = await client.patch(STORE, headers=admin, json={"modules": {"forum": True}})
    assert back.status_code == 200 and "forum" in _on(back.json())


async def test_refusals_change_nothing(client: httpx.AsyncClient, app: RustokApp) -> None:
    admin = await _shop(client, app)
    before = (await client.get(STORE, headers=admin)).json()
    refusals = [
        ({"currency_code": "GBP", "modules": {"content": False}}, 409,
         "MODULE_DEPENDENCY_CONFLICT"),  # blog, forum and pages need it
        ({"currency_code": "GBP", "modules": {"pages": False}}, 409, "MODULE_REQUIRED"),
        ({"currency_code": "GBP", "modules": {"no_such_module": True}}, 404, "MODULE_NOT_FOUND"),
        ({"currency_code": "gbp"}, 400, "VALIDATION_ERROR"),
        ({"locales": [{"locale": "en", "enabled": False}]}, 400, "VALIDATION_ERROR"),
        ({"name": "Renamed"}, 400, "VALIDATION_ERROR"),
        ({"modules": {"": True}}, 400, "VALIDATION_ERROR"),
    ]  # fmt: skip
    for patch, status, code in refusals:
        response = await client.patch(STORE, headers=admin, json=patch)
        assert response.status_code == status, (patch, response.text)
        assert response.json()["code"] == code
    assert (await client.get(STORE, headers=admin)).json() == before
    assert await _audit(app, "tenant.updated") == []


async def test_switching_a_module_and_what_needs_it_off_together_works(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _shop(client, app)
    off = {"blog": False, "forum": False}
    assert (await client.patch(STORE, headers=admin, json={"modules": off})).status_code == 200
    # content is still needed by pages (required): refused as a whole.
    refused = await client.patch(STORE, headers=admin, json={"modules": {"content": False}})
    assert refused.status_code == 409
    assert refused.json()["errors"] == {"dependencies": ["content"]}
    on = {"blog": True, "forum": True}
    assert _on((await client.patch(STORE, headers=admin, json={"modules": on})).json()) == _on(
        (await client.get(STORE, headers=admin)).json()
    )


async def test_only_store_administrators_may(client: httpx.AsyncClient, app: RustokApp) -> None:
    customer = await _shop(client, app, role="customer")
    assert (await client.get(STORE, headers=customer)).status_code == 403
    refused = await client.patch(STORE, headers=customer, json={"currency_code": "EUR"})
    assert refused.status_code == 403
    assert (await client.patch(STORE, json={"currency_code": "EUR"})).status_code == 401


async def test_the_platform_admins_module_toggle_keeps_required_modules_on(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "root@example.com", "super_admin")
    root = bearer(await sign_in(client, "root@example.com"))
    response = await client.put("/api/modules/pages", headers=root, json={"enabled": False})
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "MODULE_REQUIRED"


def test_tenant_modules_cli(db_url: str, tmp_path: Path) -> None:
    migrate_fresh(db_url, tmp_path)
    env = {
        "RUSTOK_DATABASE_URL": db_url, "RUSTOK_DATA_DIR": str(tmp_path),
        "RUSTOK_SECRET_KEY": TEST_SECRET, "RUSTOK_LOG_LEVEL": "warning",
        "RUSTOK_REQUIRED_MODULES": "pages",
    }  # fmt: skip
    runner = CliRunner(env=env)
    shown = runner.invoke(cli, ["tenant", "modules", "default"])
    assert shown.exit_code == 0, shown.stderr
    assert "on   forum" in shown.stdout and "on   pages  (needs content; required)" in shown.stdout
    changed = runner.invoke(cli, ["tenant", "modules", "default", "--disable", "forum",
                                  "--disable", "blog"])  # fmt: skip
    assert changed.exit_code == 0, changed.stderr
    assert "off  forum" in changed.stdout and "off  blog" in changed.stdout
    assert "on   forum" in runner.invoke(cli, ["tenant", "modules", "default", "--enable",
                                              "forum"]).stdout  # fmt: skip
    for args, message in (
        (["--disable", "pages"], "this platform requires pages"),
        (["--disable", "content"], "needs 'content' enabled"),
        (["--enable", "nope"], "not installed: nope"),
        (["--enable", "blog", "--disable", "blog"], "both enabled and disabled: blog"),
    ):
        refused = runner.invoke(cli, ["tenant", "modules", "default", *args])
        assert refused.exit_code != 0 and message in " ".join(refused.stderr.split()), (
            args, refused.stderr,
        )  # fmt: skip
    missing = runner.invoke(cli, ["tenant", "modules", "nowhere"])
    assert missing.exit_code != 0 and "no tenant 'nowhere'" in missing.stderr


async def test_graphql_reads_and_changes_the_store_like_rest(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await _shop(client, app)
    fields = "currencyCode defaultLocale requiredModules modules { slug enabled }"
    shown = await client.post(
        "/api/graphql", headers=admin, json={"query": f"{{ storeSettings {{ {fields} }} }}"}
    )
    store = shown.json()["data"]["storeSettings"]
    assert store["currencyCode"] == "USD" and store["requiredModules"] == ["pages"]
    update = (
        "mutation($input: StoreSettingsInput!) { updateStoreSettings(input: $input) "
        f"{{ {fields} }} }}"
    )
    changed = await client.post("/api/graphql", headers=admin, json={"query": update, "variables": {
        "input": {"currencyCode": "EUR", "modules": [{"slug": "forum", "enabled": False}]},
    }})  # fmt: skip
    body = changed.json()["data"]["updateStoreSettings"]
    assert body["currencyCode"] == "EUR"
    assert {m["slug"] for m in body["modules"] if not m["enabled"]} >= {"forum"}
    rest = (await client.get(STORE, headers=admin)).json()
    assert rest["currency_code"] == "EUR" and "forum" not in _on(rest)
    # A required module stays on: the same code as REST's 409, and nothing changed.
    refused = await client.post("/api/graphql", headers=admin, json={"query": update, "variables": {
        "input": {"currencyCode": "GBP", "modules": [{"slug": "pages", "enabled": False}]},
    }})  # fmt: skip
    (error,) = refused.json()["errors"]
    assert error["extensions"]["code"] == "MODULE_REQUIRED"
    assert (await client.get(STORE, headers=admin)).json()["currency_code"] == "EUR"
