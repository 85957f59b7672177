"""``RUSTOK_TENANT_RESOLUTION=path``: ``/admin`` has no ``/t/<slug>`` prefix, so the admin
works as in header mode — the sign-in form names the tenant, and the session's tenant cookie
selects it for every later page — while the API keeps its ``/t/<slug>/…`` paths."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from rustok.tenancy.schemas import TenantCreate
from tests.admin.helpers import admin_sign_in
from tests.auth.helpers import make_user
from tests.conftest import make_settings


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        db_url, tmp_path, rate_limit="0", serve_events=False, tenant_resolution="path"
    )


async def test_sign_in_to_a_tenant_and_use_its_screens(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await make_user(app.platform, "boss@acme.example", "admin", tenant_slug="acme")
    await make_user(app.platform, "local@example.com", "admin")
    form = await client.get("/admin/login")
    assert form.status_code == 200 and 'name="tenant"' in form.text
    signed_in = await admin_sign_in(client, "boss@acme.example", tenant="acme")
    assert signed_in.status_code == 303, signed_in.text
    assert client.cookies.get("rustok_admin_tenant") == "acme"
    users = await client.get("/admin/users")
    assert users.status_code == 200
    assert "boss@acme.example" in users.text and "local@example.com" not in users.text
    assert "<code>acme</code>" in users.text  # the header names the tenant
    audit = await client.get("/admin/audit")
    assert audit.status_code == 200 and "auth.login" in audit.text
    api = await client.post(
        "/t/acme/api/auth/login",
        json={"email": "boss@acme.example", "password": "correct horse battery staple"},
    )
    assert api.status_code == 200  # the API's path mode is unchanged
    client.cookies.clear()
    # The default tenant: the field left empty.
    assert (await admin_sign_in(client, "local@example.com")).status_code == 303
    listed = await client.get("/admin/users")
    assert "local@example.com" in listed.text and "boss@acme.example" not in listed.text


async def test_a_wrong_tenant_is_said_on_the_form(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await make_user(app.platform, "local@example.com", "admin")
    unknown = await admin_sign_in(client, "local@example.com", tenant="nowhere")
    assert unknown.status_code == 404 and 'name="tenant"' in unknown.text
    bad = await admin_sign_in(client, "local@example.com", tenant="acme/x")
    assert bad.status_code == 400 and 'name="tenant"' in bad.text
    # Another tenant's account is unknown in the default tenant.
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await make_user(app.platform, "boss@acme.example", "admin", tenant_slug="acme")
    wrong = await admin_sign_in(client, "boss@acme.example")
    assert wrong.status_code == 401
    # A forged tenant cookie cannot carry a session into another tenant.
    assert (await admin_sign_in(client, "local@example.com")).status_code == 303
    assert (await client.get("/admin/users")).status_code == 200
    session = client.cookies.get("rustok_admin")
    assert session is not None
    client.cookies.clear()
    client.cookies.set("rustok_admin", session)
    client.cookies.set("rustok_admin_tenant", "acme")
    moved = await client.get("/admin/users")  # acme has no such session: sign in there
    assert moved.status_code == 303
    assert moved.headers["location"] == "/t/acme/admin/login?next=/admin/users"


async def test_a_tenants_path_leads_to_its_sign_in(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """``/t/acme/admin`` (the API's way of naming the tenant) opens acme's sign-in form."""
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    await make_user(app.platform, "boss@acme.example", "admin", tenant_slug="acme")
    sent = await client.get("/t/acme/admin/users")
    assert sent.status_code == 303
    assert sent.headers["location"] == "/t/acme/admin/login?next=/admin/users"
    form = await client.get(sent.headers["location"])
    assert form.status_code == 200 and 'id="tenant" name="tenant" value="acme"' in form.text
    assert 'action="/admin/login"' in form.text
    home = await client.get("/admin")  # no prefix, no choice yet: the default tenant's
    assert home.headers["location"] == "/admin/login?next=/admin"
    assert 'id="tenant" name="tenant" value=""' in (await client.get("/admin/login")).text


async def test_the_form_offers_the_last_sign_ins_tenant_again(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    """After a sign-out or an expired session the form names the tenant of the last sign-in
    (its cookie; the same in header mode)."""
    await app.tenancy.tenants().create(TenantCreate(slug="acme", name="Acme"))
    client.cookies.set("rustok_admin_tenant", "acme")
    form = await client.get("/admin/login")
    assert 'id="tenant" name="tenant" value="acme"' in form.text
