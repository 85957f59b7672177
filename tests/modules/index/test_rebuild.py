"""Rebuilding the read models and checking them for drift (IX-4): missing, stale and
orphaned listings are found, a rebuild repairs them, and a rebuild racing the consumers
leaves the read model equal to the write model."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import delete, select, update

from rustok.api.app import RustokApp
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.modules.index.models import ContentListing, ProductListing
from rustok.modules.index.rebuild import check, entity_ids, rebuild
from tests.conftest import outbox_settled
from tests.modules.commerce.helpers import create_product, signed_in

STORE = "/api/store/products"


async def _tenant(app: RustokApp) -> TenantRef:
    tenant = await app.tenancy.directory.by_slug("default")
    assert tenant is not None
    return tenant


async def _post(client: httpx.AsyncClient, headers: dict[str, str], title: str) -> str:
    created = await client.post("/api/content/nodes", headers=headers, json={
        "kind": "post", "translations": [{"locale": "en", "title": title, "body": "Text"}],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    node: str = created.json()["id"]
    published = await client.post(f"/api/content/nodes/{node}/publish", headers=headers)
    assert published.status_code == 200, published.text
    return node


async def _change(app: RustokApp, tenant: TenantRef, *statements: Any) -> None:
    """Corrupt the read model behind the projectors' back."""
    with use_context(RequestContext(tenant=tenant)):
        async with app.platform.uow() as uow:
            for statement in statements:
                await uow.session.execute(statement)
            await uow.commit()


async def test_check_finds_drift_and_rebuild_repairs_it(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    products = [
        await create_product(client, admin, title=f"Chair {i}", variants=1) for i in range(3)
    ]
    await create_product(client, admin, title="Draft", status="draft")
    posts = [await _post(client, admin, f"Post {i}") for i in range(2)]
    await outbox_settled(app.platform)
    tenant = await _tenant(app)
    clean = await check(app.platform, tenant, "products", recheck_after=0)
    assert (clean.checked, clean.drift) == (3, [])
    assert (await check(app.platform, tenant, "content", recheck_after=0)).drift == []

    gone, renamed, moved = (uuid.UUID(p["id"]) for p in products)
    stray = uuid.uuid4()
    await _change(
        app, tenant,
        delete(ProductListing).where(ProductListing.product_id == gone),
        update(ProductListing).where(ProductListing.product_id == renamed).values(title="Wrong", in_stock=False),
        update(ProductListing).where(ProductListing.product_id == moved).values(product_id=stray, search_key=f"p:{stray}:en"),
        delete(ContentListing).where(ContentListing.node_id == uuid.UUID(posts[0])),
    )  # fmt: skip
    drifted = await check(app.platform, tenant, "products", recheck_after=0)
    found = {(d.entity_id, d.problem, tuple(d.fields)) for d in drifted.drift}
    assert found == {
        (gone, "missing", ()), (renamed, "stale", ("in_stock", "title")),
        (moved, "missing", ()), (stray, "orphaned", ()),
    }  # fmt: skip
    content = await check(app.platform, tenant, "content", recheck_after=0)
    assert [(d.entity_id, d.problem) for d in content.drift] == [(uuid.UUID(posts[0]), "missing")]
    listed = (await client.get(STORE, params={"limit": 10})).json()["items"]
    # What drift looks like: one product lost, one wrong, one under an id without prices.
    assert [p["title"] for p in listed] == ["Wrong"]

    progress: list[tuple[str, int, int]] = []
    result = await rebuild(
        app.platform, tenant, "products", batch_size=2,
        progress=lambda model, done, total: progress.append((model, done, total)),
    )  # fmt: skip
    # Three active products and the stray listing; the stray one has nothing to write.
    assert (result.entities, result.listings) == (4, 3)
    assert progress == [("products", 0, 4), ("products", 2, 4), ("products", 4, 4)]
    assert (await rebuild(app.platform, tenant, "content")).listings == 2
    for read_model in ("products", "content"):
        assert (await check(app.platform, tenant, read_model, recheck_after=0)).drift == []
    listed = (await client.get(STORE, params={"limit": 10})).json()["items"]
    assert sorted(p["title"] for p in listed) == ["Chair 0", "Chair 1", "Chair 2"]
    assert stray not in await entity_ids(app.platform, tenant, "products")


async def test_rebuild_while_events_flow_ends_equal_to_the_write_model(
    client: httpx.AsyncClient, app: RustokApp
) -> None:
    admin = await signed_in(client, app, "admin")
    products = [
        await create_product(client, admin, title=f"Lamp {i}", variants=1) for i in range(12)
    ]
    await outbox_settled(app.platform)
    tenant = await _tenant(app)

    async def churn() -> None:
        for i, product in enumerate(products):
            base = f"/api/commerce/products/{product['id']}"
            if i % 3 == 0:
                response = await client.post(f"{base}/unpublish", headers=admin)
            elif i % 3 == 1:
                response = await client.patch(base, headers=admin, json={
                    "translations": [{"locale": "en", "title": f"Lamp {i} (new)"}]})  # fmt: skip
            else:
                await client.post(f"{base}/archive", headers=admin)
                response = await client.delete(base, headers=admin)
            assert response.status_code in (200, 204), response.text

    async def rebuild_repeatedly() -> None:
        for _ in range(4):
            await rebuild(app.platform, tenant, "products", batch_size=3)
            await asyncio.sleep(0)

    await asyncio.gather(churn(), rebuild_repeatedly())
    await outbox_settled(app.platform)
    assert (await check(app.platform, tenant, "products", recheck_after=0)).drift == []
    with use_context(RequestContext(tenant=tenant)):
        async with app.platform.db.read_session() as session:
            titles = sorted(await session.scalars(select(ProductListing.title)))
    assert titles == sorted(f"Lamp {i} (new)" for i in range(1, 12, 3))
