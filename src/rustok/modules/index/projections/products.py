"""``index_products`` and ``index_product_prices`` from the commerce catalogue: one listing
per (active product, tenant locale), with price ranges per currency and stock totals.

Like the content projector, every event only names products; they are read afresh through
commerce's interface in the projector's transaction, so replays and reordering converge.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.consumer import consumer
from rustok.core.context import TenantRef, current_context
from rustok.core.db import utcnow
from rustok.core.events import Envelope, EventPayload
from rustok.core.locales import pick_by_locale
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce import events as commerce_events
from rustok.modules.commerce.interface import (
    CategoryNode,
    ProductRead,
    TranslationRead,
    VariantRead,
    category_lineage,
    product_snapshots,
)
from rustok.modules.index.documents import PriceRange, ProductDocument
from rustok.modules.index.metrics import INDEX_LAG
from rustok.modules.index.models import ProductListing
from rustok.modules.index.projections.content import tenant_chains
from rustok.modules.index.projections.stock import StockPatcher, stock_fields
from rustok.modules.index.queries import json_contains
from rustok.modules.index.store import ListingStore

LISTED_STATUS = "active"


def pick(translations: Sequence[TranslationRead], chain: Sequence[str]) -> TranslationRead:
    found = pick_by_locale(translations, chain, lambda t: t.locale)
    assert found is not None  # only products with a translation are listed
    return found


def base_prices(variant: VariantRead) -> list[dict[str, Any]]:
    """The variant's list prices (no price list, from one unit), one per currency."""
    return [
        {"currency_code": p.currency_code, "amount": p.amount,
         "compare_at_amount": p.compare_at_amount}
        for p in sorted(variant.prices, key=lambda p: p.currency_code)
        if p.price_list_id is None and p.min_quantity == 1
    ]  # fmt: skip


def variant_entry(variant: VariantRead) -> dict[str, Any]:
    prices = base_prices(variant)
    quantity, in_stock = stock_fields(prices, variant.inventory_policy, variant.inventory_quantity)
    return {
        "id": str(variant.id), "sku": variant.sku, "title": variant.title,
        "options": dict(variant.options), "prices": prices,
        "inventory_policy": variant.inventory_policy, "available_quantity": quantity,
        "in_stock": in_stock,
    }  # fmt: skip


def price_ranges(variants: Sequence[dict[str, Any]]) -> list[PriceRange]:
    by_currency: dict[str, list[dict[str, Any]]] = {}
    for variant in variants:
        for price in variant["prices"]:
            by_currency.setdefault(price["currency_code"], []).append(price)
    ranges = []
    for currency, prices in sorted(by_currency.items()):
        amounts = [p["amount"] for p in prices]
        compare = [p["compare_at_amount"] for p in prices if p["compare_at_amount"] is not None]
        ranges.append(PriceRange(
            currency_code=currency, price_min=min(amounts), price_max=max(amounts),
            compare_at_min=min(compare) if compare else None,
            compare_at_max=max(compare) if compare else None,
        ))  # fmt: skip
    return ranges


def lineage_of(category_id: uuid.UUID, nodes: dict[uuid.UUID, CategoryNode]) -> list[CategoryNode]:
    """The category and its ancestors, root first."""
    path: list[CategoryNode] = []
    current = nodes.get(category_id)
    while current is not None and current not in path:
        path.insert(0, current)
        current = nodes.get(current.parent_id) if current.parent_id else None
    return path


def product_document(
    locale: str, chain: Sequence[str], product: ProductRead, nodes: dict[uuid.UUID, CategoryNode]
) -> ProductDocument:
    text = pick(product.translations, chain)
    variants = [variant_entry(v) for v in product.variants]
    paths = [lineage_of(c, nodes) for c in product.category_ids]
    # Ancestors too: filtering by a parent category finds the products of its children.
    category_ids = list(dict.fromkeys(str(n.id) for path in paths for n in path))
    images = [{"url": i.url, "alt_text": i.alt_text} for i in product.images]
    return ProductDocument(
        product_id=product.id, locale=locale, status=product.status, is_published=True,
        title=text.title, handle=text.handle, description=text.description,
        vendor=product.vendor, category_ids=category_ids,
        category_handles=list(dict.fromkeys(n.handle for path in paths for n in path)),
        category_names=[path[-1].name for path in paths if path],
        category_path=" > ".join(n.name for n in paths[0]) if paths and paths[0] else None,
        collection_ids=[str(c) for c in product.collection_ids],
        options=[{"name": o.name, "values": list(o.values)} for o in product.options],
        variants=variants, images=images,
        thumbnail_url=images[0]["url"] if images else None,
        total_inventory=sum(v["available_quantity"] for v in variants),
        in_stock=any(v["in_stock"] for v in variants),
        meta_title=text.meta_title, meta_description=text.meta_description,
        published_at=product.published_at or product.created_at, prices=price_ranges(variants),
    )  # fmt: skip


class ProductProjector:
    """Rewrites the listings (and price rows) of some products from their current state."""

    def __init__(self, session: AsyncSession, tenant: TenantRef) -> None:
        self._session = session
        self._store = ListingStore(session, tenant.id)
        self._chains = tenant_chains(tenant)

    async def documents(
        self, product_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, list[ProductDocument]]:
        """The listings the products should have now (products not listed are left out)."""
        products = await product_snapshots(self._session, sorted(set(product_ids)))
        listed = [p for p in products.values() if p.status == LISTED_STATUS and p.translations]
        nodes = await category_lineage(
            self._session, sorted({c for p in listed for c in p.category_ids})
        )
        return {
            p.id: [
                product_document(locale, chain, p, nodes) for locale, chain in self._chains.items()
            ]
            for p in listed
        }

    async def project(self, product_ids: Iterable[uuid.UUID]) -> int:
        """Listings written; products not active (or gone) lose theirs."""
        ids = sorted(set(product_ids))
        await self._store.serialise("products")
        read_at = utcnow()
        expected = await self.documents(ids)
        written = 0
        for product_id in ids:
            documents = expected.get(product_id)
            if not documents:
                await self._store.remove_product(product_id)
                continue
            wrote_any = False
            for document in documents:
                if await self._store.put_product(document, read_at):
                    written += 1
                    if not wrote_any:
                        await self._store.put_prices(product_id, document)
                    wrote_any = True
            await self._store.remove_product(product_id, keep_locales=set(self._chains))
        return written

    async def listed_with(self, column: Any, member_id: uuid.UUID) -> list[uuid.UUID]:
        """Listed products whose JSON id list ``column`` holds ``member_id``."""
        dialect = self._session.bind.dialect.name if self._session.bind is not None else "sqlite"
        rows = await self._session.scalars(
            select(ProductListing.product_id)
            .where(json_contains(column, str(member_id), dialect))
            .distinct()
        )
        return list(rows)


async def affected_products(projector: ProductProjector, payload: Any) -> list[uuid.UUID]:
    match payload:
        case commerce_events.CatalogCategoryUpdated() | commerce_events.CatalogCategoryDeleted():
            # Listings hold the ancestors too: a category's descendants are found as well.
            return await projector.listed_with(ProductListing.category_ids, payload.category_id)
        case commerce_events.CollectionDeleted():
            return await projector.listed_with(ProductListing.collection_ids, payload.collection_id)
        case _:
            return [payload.product_id]


PRODUCT_EVENTS: tuple[type[EventPayload], ...] = (
    commerce_events.ProductCreated,
    commerce_events.ProductUpdated,
    commerce_events.ProductPublished,
    commerce_events.ProductUnpublished,
    commerce_events.ProductArchived,
    commerce_events.ProductDeleted,
    commerce_events.VariantCreated,
    commerce_events.VariantUpdated,
    commerce_events.VariantDeleted,
    commerce_events.PriceUpdated,
    commerce_events.PriceRemoved,
    # Every level change raises inventory.updated; inventory.reserved/released come with it
    # and would only project the same product twice.
    commerce_events.InventoryUpdated,
    commerce_events.CatalogCategoryUpdated,
    commerce_events.CatalogCategoryDeleted,
    commerce_events.CollectionDeleted,
)


PROJECTED_KEY = "index.products.projected"
STOCK_PATCHED_KEY = "index.products.stock_patched"


@consumer("index.products", on=PRODUCT_EVENTS, batch=True)
async def project_products(payload: Any, envelope: Envelope, uow: UnitOfWork) -> None:
    tenant = current_context().tenant
    assert tenant is not None  # consumers always run under the event's tenant
    projector = ProductProjector(uow.session, tenant)
    # A batch of events shares this transaction, and each of them committed before it began:
    # a product projected once in it is current for all of them (a checkout raises several),
    # and one whose stock was patched is current for the stock events.
    done: set[uuid.UUID] = uow.session.info.setdefault(PROJECTED_KEY, set())
    patched: set[uuid.UUID] = uow.session.info.setdefault(STOCK_PATCHED_KEY, set())
    if isinstance(payload, commerce_events.InventoryUpdated):
        product_id = payload.product_id
        if product_id not in done and product_id not in patched:
            if await StockPatcher(uow.session, tenant.id).patch(product_id, payload.variant_id):
                patched.add(product_id)
            else:
                done.add(product_id)
                await projector.project([product_id])
    elif ids := [i for i in await affected_products(projector, payload) if i not in done]:
        done.update(ids)
        await projector.project(ids)
    INDEX_LAG.labels("products").observe(
        max(0.0, (utcnow() - envelope.occurred_at).total_seconds())
    )
