"""The module's demo seeder (``rustok demo``): a working shop, added once."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from rustok.api.app import RustokApp
from rustok.core.context import use_context
from rustok.modules.commerce.catalog.models import Product, Variant
from rustok.modules.commerce.demo import DISCOUNT_CODE, seed_demo
from rustok.modules.commerce.inventory.models import InventoryLevel, StockLocation
from rustok.tenancy.schemas import TenantCreate
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import ADDRESS, tenant_context


async def test_demo_shop_is_seeded_once_and_sells(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug="demo", name="Demo Shop"))
    with use_context(await tenant_context(app, "demo")):
        first = await seed_demo(app.platform)
        second = await seed_demo(app.platform)
        async with app.platform.db.read_session() as session:
            products = await session.scalar(select(func.count()).select_from(Product))
            variants = await session.scalar(select(func.count()).select_from(Variant))
            locations = await session.scalar(select(func.count()).select_from(StockLocation))
            stocked = await session.scalar(
                select(func.count(func.distinct(InventoryLevel.location_id))).where(
                    InventoryLevel.stocked > 0
                )
            )
    assert len(first) == 3 and second == ["demo data already present"]
    assert products == 30 and variants == 70 and locations == 2 and stocked == 2
    await outbox_settled(app.platform)  # the storefront reads the index read model
    demo = {"X-Tenant-ID": "demo"}
    listed = await client.get("/api/store/products", params={"limit": 100}, headers=demo)
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert len(page["items"]) == 30
    euro = await client.get("/api/store/products", params={"currency": "EUR"}, headers=demo)
    assert len(euro.json()["items"]) == 20
    handle = page["items"][0]["handle"]
    detail = (await client.get(f"/api/store/products/{handle}", headers=demo)).json()
    variant = next(v for v in detail["variants"] if v["available"])
    cart = (await client.post("/api/store/carts", json={}, headers=demo)).json()
    token = {**demo, "X-Cart-Token": cart["token"]}
    await client.post(
        f"/api/store/carts/{cart['id']}/items", json={"variant_id": variant["id"], "quantity": 1},
        headers=token,
    )  # fmt: skip
    order = await client.post(
        f"/api/store/carts/{cart['id']}/checkout",
        json={"email": "demo@example.com", "discount_code": DISCOUNT_CODE,
              "shipping_address": {**ADDRESS, "country_code": "US"}},
        headers=token,
    )  # fmt: skip
    assert order.status_code == 201, order.text
    body = order.json()
    assert body["discount_total"] == variant["price"] // 10
    assert body["shipping_total"] == 500 and body["tax_total"] > 0
