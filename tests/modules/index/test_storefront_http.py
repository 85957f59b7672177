"""The storefront REST routes read the read models (IX-3)."""

from __future__ import annotations

import httpx

from rustok.api.app import RustokApp
from rustok.tenancy.schemas import LocaleSetting, TenantCreate
from rustok.tenancy.service import tenant_ref
from tests.conftest import outbox_settled
from tests.modules.index.support import content, count_statements, product, write


async def _shop(app: RustokApp) -> None:
    created = await app.tenancy.tenants().create(TenantCreate(
        slug="shop", name="Shop", locales=[LocaleSetting(locale="de", fallback="en")],
    ))  # fmt: skip
    tenant = tenant_ref(created)
    cached = await app.tenancy.directory.by_id(tenant.id)
    assert cached is not None
    await write(app.platform, cached, product("Lamp", 1), product("Lampe", 1, locale="de"),
                product("Chair", 2, in_stock=False), content("About us", 1, kind="page"),
                content("Über uns", 1, kind="page", locale="de"))  # fmt: skip


async def test_products_list_detail_and_search(client: httpx.AsyncClient, app: RustokApp) -> None:
    await _shop(app)
    shop = {"X-Tenant-ID": "shop"}
    listed = (await client.get("/api/store/products", headers=shop)).json()
    assert [i["title"] for i in listed["items"]] == ["Chair", "Lamp"]
    assert listed["next_cursor"] is None
    first = listed["items"][1]
    assert {
        "id",
        "handle",
        "title",
        "price_min",
        "price_max",
        "currency_code",
        "in_stock",
        "thumbnail",
    } <= set(first)
    assert (first["price_min"], first["currency_code"]) == (1000, "USD")
    german = (
        await client.get(
            "/api/store/products", headers={**shop, "Accept-Language": "de-AT,de;q=0.8"}
        )
    ).json()
    assert [i["title"] for i in german["items"]] == ["Lampe"]
    detail = (await client.get("/api/store/products/item-1?locale=de", headers=shop)).json()
    assert detail["title"] == "Lampe" and detail["variants"][0]["sku"] == "SKU-1"
    missing = await client.get("/api/store/products/nope", headers=shop)
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    page = (
        await client.get(
            "/api/store/content/page/post-1", headers={**shop, "Accept-Language": "de"}
        )
    ).json()
    assert page["title"] == "Über uns"
    found = (await client.get("/api/store/search?q=lamp", headers=shop)).json()
    assert [i["title"] for i in found["items"]] == ["Lamp"]
    # Another tenant sees none of it.
    assert (await client.get("/api/store/products")).json()["items"] == []
    assert (await client.get("/api/store/search?q=lamp")).json()["items"] == []


async def test_bad_parameters_are_400(client: httpx.AsyncClient) -> None:
    for query in (
        "limit=0",
        "limit=101",
        "currency=US",
        "min_price=-1",
        "sort=cheapest",
        "category=not%20a%20handle",
    ):
        response = await client.get(f"/api/store/products?{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == "VALIDATION_ERROR"
    cursor = await client.get("/api/store/products?cursor=zzz")
    assert (cursor.status_code, cursor.json()["code"]) == (400, "INVALID_CURSOR")
    assert (await client.get("/api/store/search")).status_code == 400
    assert (await client.get("/api/store/search?q=%20%20")).status_code == 400


async def test_list_requests_cost_a_constant_number_of_queries(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await _shop(app)
    tenant = await app.tenancy.directory.by_slug("shop")
    assert tenant is not None
    await write(app.platform, tenant, *(product(f"Bulk {n}", 100 + n) for n in range(100)))
    await outbox_settled(app.platform)  # tenant events handled: the cache stays warm
    # Warm the tenant cache, not the answers counted below (the default limit is 20).
    await client.get("/api/store/products?limit=2", headers={"X-Tenant-ID": "shop"})
    counts: list[tuple[int, int]] = []
    all_statements: list[list[str]] = []
    for limit in (1, 20, 100):
        with count_statements(app.platform) as counter:
            response = await client.get(
                f"/api/store/products?limit={limit}", headers={"X-Tenant-ID": "shop"}
            )
        assert response.status_code == 200
        assert len(response.json()["items"]) == limit
        counts.append(counter.counts)
        all_statements.append(counter.raw + counter.orm)
    # One raw statement per list, nothing through the ORM.
    assert counts == [(1, 0)] * 3, all_statements
