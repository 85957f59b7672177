"""A sign-in without a tenant selector (header mode) says that no selector was sent."""

from __future__ import annotations

from pathlib import Path

import httpx

from rustok.api.app import RustokApp, create_app
from rustok.api.sign_in_hint import NO_SELECTOR_DETAIL
from rustok.bootstrap import bootstrap
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService
from tests.api.test_problems import assert_problem
from tests.auth.helpers import PASSWORD, make_user
from tests.conftest import make_settings, serve_app


async def _shop_admin(app: RustokApp) -> str:
    await TenantService(app.platform).create(TenantCreate(slug="shop", name="Shop"))
    await make_user(app.platform, "admin@shop.example", "admin", "shop")
    return "admin@shop.example"


async def test_a_sign_in_without_a_selector_says_so(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    email = await _shop_admin(app)
    body = {"email": email, "password": PASSWORD}
    missing = assert_problem(await client.post("/api/auth/login", json=body), 401,
                             "INVALID_CREDENTIALS")  # fmt: skip
    assert missing["detail"] == NO_SELECTOR_DETAIL
    assert "X-Tenant-ID" in str(missing["detail"])
    # An address that exists nowhere gets the very same answer: nothing is revealed.
    nobody = {"email": "nobody@nowhere.example", "password": PASSWORD}
    unknown = assert_problem(await client.post("/api/auth/login", json=nobody), 401,
                             "INVALID_CREDENTIALS")  # fmt: skip
    assert unknown["detail"] == missing["detail"]
    assert unknown["title"] == missing["title"]
    # With the selector the same credentials work.
    signed_in = await client.post("/api/auth/login", json=body, headers={"X-Tenant-ID": "shop"})
    assert signed_in.status_code == 200, signed_in.text


async def test_a_named_tenant_keeps_the_plain_answer(
    app: RustokApp, client: httpx.AsyncClient
) -> None:
    email = await _shop_admin(app)
    for tenant in ("default", "shop", "  shop "):
        wrong = {"email": email, "password": "not the password"}
        response = await client.post("/api/auth/login", json=wrong, headers={"X-Tenant-ID": tenant})
        body = assert_problem(response, 401, "INVALID_CREDENTIALS")
        assert body["detail"] == "the email or password is wrong"


async def test_other_modes_have_no_header_to_miss(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, tenant_resolution="path")
    app = create_app(settings, platform=bootstrap(settings))
    async with serve_app(app) as client:
        response = await client.post("/api/auth/login",
                                     json={"email": "a@b.example", "password": PASSWORD})  # fmt: skip
    assert assert_problem(response, 401, "INVALID_CREDENTIALS")["detail"] == (
        "the email or password is wrong"
    )
