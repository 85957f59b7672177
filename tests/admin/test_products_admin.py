"""The example screen: the commerce products list and edit form, through the catalogue
service, with the REST routes' permissions; refusals on every admin route."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from rustok.api.admin_mount import with_admin
from rustok.api.app import RustokApp
from rustok.core.settings import Settings
from rustok.outbox.models import OutboxEvent
from rustok.rbac.declare import PUBLIC_OPT
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService
from tests.admin.helpers import admin_sign_in, csrf_of
from tests.auth.helpers import make_user
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import create_product, signed_in

LIST = "/admin/commerce/products"
ROW_RE = re.compile(r'<a href="/admin/commerce/products/([0-9a-f-]{36})">([^<]*)</a>')
# A list page of 50 products: the session check, its touch (at most once a minute), the
# count, the page, the products' translations, options, variants, prices, stock and
# images in batches (product_reads): measured 12 on SQLite and PostgreSQL; the principal
# is cached after the first page. The budget does not grow with the rows.
LIST_BUDGET = 12


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _manager(client: httpx.AsyncClient, app: RustokApp) -> None:
    await make_user(app.platform, "manager@example.com", "manager")
    assert (await admin_sign_in(client, "manager@example.com")).status_code == 303


async def test_the_list_pages_searches_filters_and_sorts(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    for i in range(52):
        await create_product(client, api, title=f"Tee {i:02}", variants=1,
                             status="draft" if i % 2 else "active")  # fmt: skip
    await create_product(client, api, title="Hoodie", variants=1)
    await _manager(client, app)
    first = await client.get(LIST)
    assert first.status_code == 200
    rows = ROW_RE.findall(first.text)
    assert len(rows) == 50 and rows[0][1] == "Hoodie"  # newest first
    assert "53 found" in first.text and "Page 1 of 2" in first.text
    second = ROW_RE.findall((await client.get(f"{LIST}?page=2")).text)
    assert [title for _, title in second] == ["Tee 02", "Tee 01", "Tee 00"]
    found = ROW_RE.findall((await client.get(f"{LIST}?q=hood")).text)
    assert [title for _, title in found] == ["Hoodie"]
    drafts = (await client.get(f"{LIST}?status=draft")).text
    assert "26 found" in drafts
    oldest = ROW_RE.findall((await client.get(f"{LIST}?sort=created")).text)
    assert oldest[0][1] == "Tee 00"
    for bad in ("sort=price", "status=sold", "page=0", "page=x", "q=" + "x" * 101):
        refused = await client.get(f"{LIST}?{bad}")
        assert refused.status_code == 400, bad
        assert "<html" in refused.text  # a page, not a JSON problem


async def test_the_empty_list_says_how_to_create_products(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _manager(client, app)
    page = await client.get(LIST)
    assert "No products yet." in page.text and "POST /api/commerce/products" in page.text


async def test_a_list_of_50_rows_costs_a_bounded_number_of_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    for i in range(50):
        await create_product(client, api, title=f"Tee {i}", variants=2)
    await _manager(client, app)
    assert (await client.get(LIST)).status_code == 200  # caches the principal
    with count_queries(app.platform.db) as counter:
        page = await client.get(LIST)
    assert len(ROW_RE.findall(page.text)) == 50
    assert counter.count <= LIST_BUDGET, counter.statements


async def _form(client: httpx.AsyncClient, product_id: str) -> dict[str, str]:
    page = await client.get(f"{LIST}/{product_id}")
    assert page.status_code == 200, page.text
    version = re.search(r'name="version" value="([^"]+)"', page.text)
    locale = re.search(r'name="locale" value="([^"]*)"', page.text)
    assert version is not None and locale is not None
    return {"_csrf": csrf_of(page.text), "version": version.group(1),
            "locale": locale.group(1)}  # fmt: skip


async def _product(client: httpx.AsyncClient, api: dict[str, str], pid: str) -> Any:
    return (await client.get(f"/api/commerce/products/{pid}", headers=api)).json()


async def test_editing_saves_through_the_service(client: httpx.AsyncClient, app: RustokApp) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Tee", status="draft")
    await _manager(client, app)
    form = await _form(client, product["id"])
    saved = await client.post(
        f"{LIST}/{product['id']}",
        data={**form, "title": "Linen tee", "handle": "linen-tee", "status": "active"},
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{LIST}/{product['id']}"
    assert "Saved." in (await client.get(saved.headers["location"])).text
    after = await _product(client, api, product["id"])
    assert after["translations"][0]["title"] == "Linen tee"
    assert after["translations"][0]["handle"] == "linen-tee"
    assert after["status"] == "active"
    async with app.platform.db.read_session(all_tenants=True) as session:
        types = set(await session.scalars(select(OutboxEvent.event_type)))
    assert {"product.updated", "product.published"} <= types


async def test_validation_errors_show_inline_and_change_nothing(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Tee", status="draft")
    await _manager(client, app)
    form = await _form(client, product["id"])
    bad = await client.post(
        f"{LIST}/{product['id']}", data={**form, "title": "x" * 300, "status": "draft"}
    )
    assert bad.status_code == 400
    assert 'aria-invalid="true" aria-describedby="title-error"' in bad.text
    assert 'id="title-error"' in bad.text and "length &lt;= 255" in bad.text
    assert (await _product(client, api, product["id"]))["translations"][0]["title"] == "Tee"


async def test_a_stale_form_is_refused_with_a_message(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Tee", status="draft")
    await _manager(client, app)
    form = await _form(client, product["id"])
    other = await client.patch(
        f"/api/commerce/products/{product['id']}", headers=api,
        json={"translations": [{"locale": "en", "title": "Their change"}]},
    )  # fmt: skip
    assert other.status_code == 200
    stale = await client.post(
        f"{LIST}/{product['id']}", data={**form, "title": "My change", "status": "draft"}
    )
    assert stale.status_code == 409
    assert "someone changed this record after you opened the form" in stale.text
    title = (await _product(client, api, product["id"]))["translations"][0]["title"]
    assert title == "Their change"


async def test_a_transition_the_state_machine_refuses_writes_nothing(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Tee", status="draft")
    archived = await client.post(f"/api/commerce/products/{product['id']}/archive", headers=api)
    assert archived.status_code == 200
    await _manager(client, app)
    form = await _form(client, product["id"])
    refused = await client.post(
        f"{LIST}/{product['id']}", data={**form, "title": "Renamed", "status": "active"}
    )
    assert refused.status_code == 409 and "not allowed from archived" in refused.text
    after = await _product(client, api, product["id"])
    assert after["status"] == "archived" and after["translations"][0]["title"] == "Tee"


def _admin_routes(app: RustokApp) -> list[tuple[str, str]]:
    routes = []
    for route in with_admin(app.litestar).routes:
        if not route.path.startswith("/admin") or route.path.startswith("/admin/static"):
            continue
        for handler in getattr(route, "route_handlers", []):
            if handler.opt.get(PUBLIC_OPT):
                continue
            for method in sorted(getattr(handler, "http_methods", ())):
                if method not in ("HEAD", "OPTIONS"):
                    routes.append((method, route.path))
    return routes


async def test_customers_and_other_tenants_managers_are_refused_everywhere(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    api = await signed_in(client, app, "admin")
    product = await create_product(client, api, title="Secret tee", status="draft")
    routes = _admin_routes(app)
    assert ("GET", "/admin") in routes and ("POST", f"{LIST}/{{product_id:uuid}}") in routes

    def concrete(path: str) -> str:
        # Every screen's ids (any uuid parameter) and names (any str parameter).
        return re.sub(r"\{\w+:str\}", "x", re.sub(r"\{\w+:uuid\}", product["id"], path))

    await make_user(app.platform, "customer@example.com", "customer")
    assert (await admin_sign_in(client, "customer@example.com")).status_code == 303
    refused = await client.get("/admin")
    assert refused.status_code == 403
    token = csrf_of(refused.text)  # the error page keeps the layout's sign-out form
    for method, path in routes:
        if path == "/admin/logout":
            continue
        response = await client.request(method, concrete(path), data={"_csrf": token})
        assert response.status_code == 403, (method, path, response.status_code)
        assert "Secret tee" not in response.text
    client.cookies.clear()

    await TenantService(app.platform).create(TenantCreate(slug="other", name="Other"))
    await make_user(app.platform, "boss@other.example", "manager", "other")
    assert (await admin_sign_in(client, "boss@other.example", tenant="other")).status_code == 303
    own = await client.get(LIST)
    assert own.status_code == 200 and "Secret tee" not in own.text
    assert (await client.get(concrete(f"{LIST}/{{product_id:uuid}}"))).status_code == 404
    # Pointing the tenant cookie at the default tenant finds no session there.
    cookie = f"rustok_admin={client.cookies['rustok_admin']}; rustok_admin_tenant=default"
    client.cookies.clear()
    for method, path in routes:
        response = await client.request(
            method, concrete(path), data={"_csrf": token}, headers={"Cookie": cookie}
        )
        assert response.status_code in (303, 403), (method, path, response.status_code)
        assert "Secret tee" not in response.text
        if method == "GET":
            assert response.headers["location"].startswith("/admin/login")
