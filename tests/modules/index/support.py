"""Writing read-model documents directly (the projectors' job) for query and search tests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.db import utcnow
from rustok.core.platform import Platform
from rustok.modules.index.documents import ContentDocument, PriceRange, ProductDocument
from rustok.modules.index.store import ListingStore

BASE_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def variant_entry(sku: str, currency: str, price: int, in_stock: bool) -> dict[str, Any]:
    """A variant as the product projector stores it."""
    return {
        "id": str(uuid.uuid4()), "sku": sku, "title": None, "options": {},
        "prices": [{"currency_code": currency, "amount": price, "compare_at_amount": None}],
        "inventory_policy": "deny", "available_quantity": 5 if in_stock else 0,
        "in_stock": in_stock,
    }  # fmt: skip


def product(title: str, n: int, *, locale: str = "en", price: int = 1000, currency: str = "USD",
            in_stock: bool = True, published: bool = True, body: str | None = None,
            categories: list[str] | None = None, **extra: Any) -> ProductDocument:  # fmt: skip
    product_id = extra.pop("product_id", None) or uuid.UUID(int=n + 1)
    return ProductDocument(
        product_id=product_id, locale=locale, status="active" if published else "draft",
        is_published=published, title=title, handle=f"item-{n}", description=body,
        category_ids=categories or [], in_stock=in_stock, total_inventory=5 if in_stock else 0,
        published_at=BASE_TIME + dt.timedelta(minutes=n),
        prices=[PriceRange(currency_code=currency, price_min=price, price_max=price + 500,
                           compare_at_max=price + 1000 if n % 2 else None)],
        variants=[variant_entry(f"SKU-{n}", currency, price, in_stock)],
        **extra,
    )  # fmt: skip


def content(title: str, n: int, *, kind: str = "post", locale: str = "en", body: str | None = None,
            published: bool = True) -> ContentDocument:  # fmt: skip
    return ContentDocument(
        node_id=uuid.UUID(int=10_000 + n), locale=locale, kind=kind,
        status="published" if published else "draft", title=title, slug=f"post-{n}",
        body=body, published_at=BASE_TIME,
    )  # fmt: skip


async def write(platform: Platform, tenant: TenantRef, *docs: ProductDocument | ContentDocument,
                read_at: dt.datetime | None = None) -> list[bool]:  # fmt: skip
    results = []
    with use_context(RequestContext(tenant=tenant)):
        async with platform.uow() as uow:
            store = ListingStore(uow.session, tenant.id)
            for doc in docs:
                when = read_at or utcnow()
                if isinstance(doc, ProductDocument):
                    applied = await store.put_product(doc, when)
                    if applied:
                        await store.put_prices(doc.product_id, doc)
                    results.append(applied)
                else:
                    results.append(await store.put_content(doc, when))
            await uow.commit()
    return results


async def replay_every_event(platform: Platform, consumer_name: str, times: int = 2) -> int:
    """Hand every outbox event of the consumer's types to its handler again, ``times`` times,
    as the consumer runner would (each in its tenant's context and its own transaction)."""
    from sqlalchemy import select

    from rustok.outbox.claims import to_claimed
    from rustok.outbox.models import OutboxEvent
    from rustok.outbox.single_delivery import consumer_context

    specs = [*platform.consumers, *(c for m in platform.modules for c in m.consumers)]
    spec = next(c for c in specs if c.name == consumer_name)
    async with platform.db.read_session(all_tenants=True) as session:
        rows = (
            await session.scalars(
                select(OutboxEvent)
                .where(OutboxEvent.event_type.in_(sorted(spec.type_names)))
                .order_by(OutboxEvent.id)
            )
        ).all()
    assert platform.tenants is not None
    for _ in range(times):
        for row in rows:
            envelope = to_claimed(row).envelope
            tenant = await platform.tenants.by_id(envelope.tenant_id)
            with use_context(consumer_context(envelope, tenant)):
                async with platform.uow() as uow:
                    await spec.handler(envelope.decode_payload(), envelope, uow)
                    await uow.commit()
    return len(rows)
