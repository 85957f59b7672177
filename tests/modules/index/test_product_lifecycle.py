"""Every catalogue change reaches index_products through the ``index.products`` consumer
(IX-1): price, stock to zero and back, category rename and delete, unpublish, publish,
delete; projecting again changes nothing; another tenant never sees the listing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.context import use_context
from rustok.modules.index.models import ProductListing, ProductPrice
from rustok.modules.index.projections.products import ProductProjector
from rustok.tenancy.schemas import TenantCreate
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import create_product, signed_in, tenant_context
from tests.modules.index.support import replay_every_event

Json = dict[str, Any]
STORE = "/api/store/products"
# Columns a projection stamps with the time it ran; everything else must be identical.
STAMPS = {"id", "indexed_at", "source_updated_at"}


async def _listing(client: httpx.AsyncClient, handle: str, **params: Any) -> Json | None:
    response = await client.get(f"{STORE}/{handle}", params=params)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


async def _rows(app: RustokApp) -> list[Json]:
    async with app.platform.db.read_session(all_tenants=True) as session:
        listings = (await session.scalars(select(ProductListing))).all()
        prices = (await session.scalars(select(ProductPrice))).all()
    rows = [
        {c.key: getattr(r, c.key) for c in ProductListing.__table__.columns if c.key not in STAMPS}
        for r in listings
    ]
    rows += [{c.key: getattr(p, c.key) for c in ProductPrice.__table__.columns} for p in prices]
    return sorted(rows, key=repr)


async def test_catalogue_changes_reach_the_storefront(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    category = (
        await client.post("/api/commerce/categories", json={"name": "Lamps"}, headers=admin)
    ).json()
    product = await create_product(
        client, admin, title="Desk lamp", variants=2, stock=3, price=4000,
        category_ids=[category["id"]],
    )  # fmt: skip
    small, large = (v["id"] for v in product["variants"])
    await outbox_settled(app.platform)
    shown = await _listing(client, "desk-lamp")
    assert shown is not None
    assert (shown["price_min"], shown["price_max"], shown["total_inventory"]) == (4000, 4100, 6)
    assert (shown["category_names"], shown["category_handles"]) == (["Lamps"], ["lamps"])

    # A price change.
    await client.put(
        f"/api/commerce/variants/{small}/prices",
        json=[{"currency_code": "USD", "amount": 3500, "compare_at_amount": 5000}],
        headers=admin,
    )  # fmt: skip
    await outbox_settled(app.platform)
    shown = await _listing(client, "desk-lamp")
    assert shown is not None and (shown["price_min"], shown["on_sale"]) == (3500, True)
    listed = (await client.get(STORE, params={"max_price": 3600})).json()["items"]
    assert [p["handle"] for p in listed] == ["desk-lamp"]

    # Out of stock, then back.
    for variant in (small, large):
        response = await client.post(
            f"/api/commerce/variants/{variant}/inventory/set", json={"quantity": 0}, headers=admin
        )
        assert response.status_code == 200, response.text
    await outbox_settled(app.platform)
    shown = await _listing(client, "desk-lamp")
    assert shown is not None and (shown["in_stock"], shown["total_inventory"]) == (False, 0)
    assert [v["available"] for v in shown["variants"]] == [False, False]
    assert (await client.get(STORE, params={"in_stock": "true"})).json()["items"] == []
    await client.post(
        f"/api/commerce/variants/{large}/inventory/adjust", json={"delta": 2}, headers=admin
    )
    await outbox_settled(app.platform)
    shown = await _listing(client, "desk-lamp")
    assert shown is not None and (shown["in_stock"], shown["total_inventory"]) == (True, 2)
    assert [v["available_quantity"] for v in shown["variants"]] == [0, 2]

    # The category renamed, then deleted.
    renamed = await client.patch(
        f"/api/commerce/categories/{category['id']}",
        json={"name": "Lighting", "handle": "lighting"},
        headers=admin,
    )
    assert renamed.status_code == 200, renamed.text
    await outbox_settled(app.platform)
    shown = await _listing(client, "desk-lamp")
    assert shown is not None
    assert (shown["category_names"], shown["category_handles"]) == (["Lighting"], ["lighting"])
    in_lighting = (await client.get(STORE, params={"category": "lighting"})).json()["items"]
    assert [p["handle"] for p in in_lighting] == ["desk-lamp"]
    assert (await client.get(STORE, params={"category": "lamps"})).json()["items"] == []
    deleted = await client.delete(f"/api/commerce/categories/{category['id']}", headers=admin)
    assert deleted.status_code == 204, deleted.text
    await outbox_settled(app.platform)
    shown = await _listing(client, "desk-lamp")
    assert shown is not None and shown["category_names"] == [] and shown["category_ids"] == []

    # Handling every event again, twice (a replay), writes the same rows.
    before = await _rows(app)
    assert await replay_every_event(app.platform, "index.products") > 10
    assert await _rows(app) == before
    context = await tenant_context(app)
    assert context.tenant is not None
    with use_context(context):
        async with app.platform.uow() as uow:
            projector = ProductProjector(uow.session, context.tenant)
            assert await projector.project([uuid.UUID(product["id"])]) == 1
            await uow.commit()
    assert await _rows(app) == before

    # Unpublished: gone; published again: back; archived and deleted: gone for good.
    base = f"/api/commerce/products/{product['id']}"
    assert (await client.post(f"{base}/unpublish", headers=admin)).status_code == 200
    await outbox_settled(app.platform)
    assert await _listing(client, "desk-lamp") is None
    assert (await client.get(STORE)).json()["items"] == []
    assert (await client.post(f"{base}/publish", headers=admin)).status_code == 200
    await outbox_settled(app.platform)
    assert await _listing(client, "desk-lamp") is not None
    assert (await client.post(f"{base}/archive", headers=admin)).status_code == 200
    assert (await client.delete(base, headers=admin)).status_code == 204
    await outbox_settled(app.platform)
    assert await _listing(client, "desk-lamp") is None
    assert await _rows(app) == []


async def test_another_tenant_never_sees_the_listing(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    await app.tenancy.tenants().create(TenantCreate(slug="other", name="Other"))
    admin = await signed_in(client, app, "admin")
    other_admin = await signed_in(client, app, "admin", tenant="other")
    await create_product(client, admin, title="Ours", variants=1)
    await create_product(client, other_admin, title="Theirs", variants=1)
    await outbox_settled(app.platform)
    ours = (await client.get(STORE)).json()["items"]
    theirs = (await client.get(STORE, headers={"X-Tenant-ID": "other"})).json()["items"]
    assert [p["title"] for p in ours] == ["Ours"] and [p["title"] for p in theirs] == ["Theirs"]
    assert (await client.get(f"{STORE}/theirs")).status_code == 404
    search = await client.get("/api/store/search", params={"q": "theirs"})
    assert search.json()["items"] == []
