"""Stock events patch the listing's stock fields instead of projecting the whole product
(issue 13, build item 6): one ``inventory.updated`` costs three statements (four on
PostgreSQL, with the tenant's projection lock) for every locale at once, and leaves the
read model exactly what a full projection would write; a listing that lacks the variant
falls back to the full projection."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from rustok.api.app import RustokApp
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.settings import Settings
from rustok.modules.index.models import ProductListing
from rustok.modules.index.projections.products import ProductProjector
from rustok.modules.index.rebuild import check
from rustok.outbox.claims import to_claimed
from rustok.outbox.models import OutboxEvent
from rustok.outbox.single_delivery import consumer_context
from rustok.tenancy.schemas import LocaleSetting, TenantCreate
from tests.conftest import count_queries, make_settings
from tests.modules.commerce.helpers import create_product, signed_in

Json = dict[str, Any]
# Read the listings' variants, read the availability, update the listings (+ the lock).
PATCH_BUDGET = {"sqlite": 3, "postgresql": 4}


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path, rate_limit="0", serve_events=False)


async def _tenant(app: RustokApp) -> TenantRef:
    await app.tenancy.tenants().create(TenantCreate(slug="two", name="Two", locales=[
        LocaleSetting(locale="en"), LocaleSetting(locale="de", fallback="en"),
    ]))  # fmt: skip
    tenant = await app.tenancy.directory.by_slug("two")
    assert tenant is not None
    return tenant


async def _project(app: RustokApp, tenant: TenantRef, product_id: str) -> None:
    with use_context(RequestContext(tenant=tenant)):
        async with app.platform.uow() as uow:
            await ProductProjector(uow.session, tenant).project([uuid.UUID(product_id)])
            await uow.commit()


async def _handle_last(app: RustokApp, event_type: str) -> int:
    """Hand the newest outbox event of ``event_type`` to ``index.products``; statements."""
    async with app.platform.db.read_session(all_tenants=True) as session:
        row = await session.scalar(
            select(OutboxEvent)
            .where(OutboxEvent.event_type == event_type)
            .order_by(OutboxEvent.id.desc())
            .limit(1)
        )
    assert row is not None
    envelope = to_claimed(row).envelope
    spec = next(c for m in app.platform.modules for c in m.consumers if c.name == "index.products")
    assert app.platform.tenants is not None
    tenant = await app.platform.tenants.by_id(envelope.tenant_id)
    with use_context(consumer_context(envelope, tenant)):
        async with app.platform.uow() as uow:
            with count_queries(app.platform.db) as counter:
                await spec.handler(envelope.decode_payload(), envelope, uow)
            await uow.commit()
    return counter.count


async def _listings(app: RustokApp, product_id: str) -> dict[str, ProductListing]:
    async with app.platform.db.read_session(all_tenants=True) as session:
        rows = await session.scalars(
            select(ProductListing).where(ProductListing.product_id == uuid.UUID(product_id))
        )
        return {r.locale: r for r in rows}


async def test_a_stock_change_patches_every_locale_in_three_statements(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    tenant = await _tenant(app)
    admin = await signed_in(client, app, "admin", tenant="two")
    product = await create_product(client, admin, title="Mug", variants=2, stock=3)
    await _project(app, tenant, product["id"])
    before = await _listings(app, product["id"])
    small = product["variants"][0]["id"]
    response = await client.post(
        f"/api/commerce/variants/{small}/inventory/set", json={"quantity": 0}, headers=admin
    )
    assert response.status_code == 200, response.text

    statements = await _handle_last(app, "inventory.updated")
    assert statements == PATCH_BUDGET[app.platform.db.dialect], statements
    after = await _listings(app, product["id"])
    assert sorted(after) == ["de", "en"]
    for locale, row in after.items():
        assert [(v["available_quantity"], v["in_stock"]) for v in row.variants] == [
            (0, False), (3, True),
        ]  # fmt: skip
        assert (row.total_inventory, row.in_stock) == (3, True)
        assert (row.title, row.handle, row.id) == (
            before[locale].title, before[locale].handle, before[locale].id,
        )  # fmt: skip
    assert (await check(app.platform, tenant, "products", recheck_after=0)).drift == []


async def test_a_listing_without_the_variant_is_projected_whole(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    tenant = await _tenant(app)
    admin = await signed_in(client, app, "admin", tenant="two")
    product = await create_product(client, admin, title="Bowl", variants=1, stock=2)
    await _project(app, tenant, product["id"])
    added = await client.post(
        f"/api/commerce/products/{product['id']}/variants", headers=admin, json={
            "sku": "BOWL-L", "options": {"Size": "L"}, "inventory_quantity": 4,
            "prices": [{"currency_code": "USD", "amount": 1900}],
        },
    )  # fmt: skip
    assert added.status_code == 201, added.text
    # Only the new variant's stock event is handled: the listing does not know the variant.
    assert await _handle_last(app, "inventory.updated") > PATCH_BUDGET[app.platform.db.dialect]
    listed = (await _listings(app, product["id"]))["en"]
    assert [v["sku"] for v in listed.variants][-1] == "BOWL-L"
    assert (listed.total_inventory, listed.variant_count) == (6, 2)
    assert (await check(app.platform, tenant, "products", recheck_after=0)).drift == []
