"""Writing listings: upserts that never regress, their prices, and their search entries.

Every write carries ``source_updated_at`` — when the projector read the source. An upsert
only replaces a row read earlier, so two projections of one entity racing each other (say an
inventory and a price event handled in different lanes) settle on the newer read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import utcnow
from rustok.core.db.upsert import upsert_for
from rustok.core.read_cache import mark_changed
from rustok.core.tracing import child_span
from rustok.modules.index.documents import ContentDocument, ProductDocument
from rustok.modules.index.models import ContentListing, ProductListing, ProductPrice
from rustok.modules.index.search import scope_token, scoped_words, search_entry_id, word_prefix
from rustok.modules.index.text import normalise

PRODUCTS: Any = ProductListing.__table__
PRICES: Any = ProductPrice.__table__
CONTENT: Any = ContentListing.__table__
# Each read model's listing table and the column naming its entity.
LISTINGS: dict[str, tuple[Any, str]] = {
    "products": (PRODUCTS, "product_id"),
    "content": (CONTENT, "node_id"),
}


def product_key(product_id: uuid.UUID, locale: str) -> str:
    return f"p:{product_id}:{locale}"


def content_key(node_id: uuid.UUID, locale: str) -> str:
    return f"c:{node_id}:{locale}"


class ListingStore:
    """Upserts and deletes read-model rows inside the caller's transaction."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self._session = session
        self._tenant_id = tenant_id
        self._dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
        # Every write here changes the tenant's storefront answers: their cached copies go
        # when this transaction commits (core/read_cache.py).
        mark_changed(session, tenant_id)

    async def serialise(self, read_model: str) -> None:
        """Hold the tenant's lock on ``read_model`` until the transaction ends.

        A projection reads the source, then writes. Without the lock, a rebuild (or another
        instance's consumer) that read a product just before its deletion could write the
        listing back after the deletion's projection removed it. SQLite needs nothing: its
        write transactions (``BEGIN IMMEDIATE``) already run one at a time.
        """
        if self._dialect != "postgresql":
            return
        digest = hashlib.sha256(f"index:{read_model}:{self._tenant_id}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        await self._session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    async def indexed_ids(self, read_model: str) -> list[uuid.UUID]:
        """Ids of the entities with at least one listing in ``read_model``."""
        table, column = LISTINGS[read_model]
        statement = select(table.c[column]).where(table.c.tenant_id == self._tenant_id).distinct()
        return list(await self._session.scalars(statement))

    async def rows(self, read_model: str, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        """The stored listings of ``ids`` as column dicts (for drift checks)."""
        table, column = LISTINGS[read_model]
        statement = select(table).where(
            table.c.tenant_id == self._tenant_id, table.c[column].in_(ids)
        )
        return [dict(row) for row in (await self._session.execute(statement)).mappings()]

    async def price_rows(self, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        statement = select(PRICES).where(
            PRICES.c.tenant_id == self._tenant_id, PRICES.c.product_id.in_(ids)
        )
        return [dict(row) for row in (await self._session.execute(statement)).mappings()]

    async def _guarded_upsert(self, table: Any, keys: list[str], values: dict[str, Any]) -> bool:
        statement = upsert_for(self._dialect)(table).values(values)
        updates = {k: statement.excluded[k] for k in values if k not in ("id", *keys)}
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_=updates,
            where=table.c.source_updated_at <= statement.excluded.source_updated_at,
        ).returning(table.c.id)
        with child_span("index.upsert", **{"index.table": table.name}):
            return (await self._session.execute(statement)).first() is not None

    async def put_product(self, document: ProductDocument, read_at: dt.datetime) -> bool:
        """Write one locale's listing; False when a newer read already wrote it."""
        from rustok.core.ids import new_id

        values = {
            "id": new_id(), "tenant_id": self._tenant_id, "product_id": document.product_id,
            "locale": document.locale, "status": document.status,
            "search_key": product_key(document.product_id, document.locale),
            "is_published": document.is_published, "title": document.title,
            "sort_title": normalise(document.title)[:255], "handle": document.handle,
            "subtitle": document.subtitle, "description": document.description,
            "vendor": document.vendor, "category_ids": document.category_ids,
            "category_names": document.category_names, "category_path": document.category_path,
            "category_handles": document.category_handles,
            "collection_ids": document.collection_ids, "tags": document.tags,
            "options": document.options, "variants": document.variants,
            "images": document.images, "thumbnail_url": document.thumbnail_url,
            "variant_count": len(document.variants), "total_inventory": document.total_inventory,
            "in_stock": document.in_stock, "on_sale": document.on_sale,
            "meta_title": document.meta_title, "meta_description": document.meta_description,
            "published_at": document.published_at, "source_updated_at": read_at,
            "indexed_at": utcnow(),
        }  # fmt: skip
        if not await self._guarded_upsert(PRODUCTS, ["tenant_id", "product_id", "locale"], values):
            return False
        body = " ".join(
            filter(None, [document.subtitle, document.description, document.vendor,
                          " ".join(document.tags), " ".join(document.category_names)])
        )  # fmt: skip
        await self._search_entry(
            product_key(document.product_id, document.locale), "product", document.locale,
            document.title, body, document.is_published,
        )  # fmt: skip
        return True

    async def put_prices(self, product_id: uuid.UUID, document: ProductDocument) -> None:
        await self._session.execute(
            delete(PRICES).where(
                PRICES.c.tenant_id == self._tenant_id, PRICES.c.product_id == product_id
            )
        )
        if document.prices:
            await self._session.execute(
                insert(PRICES),
                [
                    {"tenant_id": self._tenant_id, "product_id": product_id,
                     "currency_code": p.currency_code, "price_min": p.price_min,
                     "price_max": p.price_max, "compare_at_min": p.compare_at_min,
                     "compare_at_max": p.compare_at_max}
                    for p in document.prices
                ],
            )  # fmt: skip

    async def listed_variants(self, product_id: uuid.UUID) -> list[list[dict[str, Any]]]:
        """The ``variants`` of each of the product's listings (one per locale)."""
        statement = select(PRODUCTS.c.variants).where(
            PRODUCTS.c.tenant_id == self._tenant_id, PRODUCTS.c.product_id == product_id
        )
        return [list(v) for v in await self._session.scalars(statement)]

    async def put_stock(
        self, product_id: uuid.UUID, variants: list[dict[str, Any]], read_at: dt.datetime
    ) -> None:
        """Rewrite the stock fields of every listing of the product (not one read later)."""
        statement = (
            update(PRODUCTS)
            .where(
                PRODUCTS.c.tenant_id == self._tenant_id, PRODUCTS.c.product_id == product_id,
                PRODUCTS.c.source_updated_at <= read_at,
            )
            .values(
                variants=variants, total_inventory=sum(v["available_quantity"] for v in variants),
                in_stock=any(v["in_stock"] for v in variants), source_updated_at=read_at,
                indexed_at=utcnow(),
            )
        )  # fmt: skip
        with child_span("index.upsert", **{"index.table": PRODUCTS.name, "index.fields": "stock"}):
            await self._session.execute(statement)

    async def put_content(self, document: ContentDocument, read_at: dt.datetime) -> bool:
        from rustok.core.ids import new_id

        values = {
            "id": new_id(), "tenant_id": self._tenant_id, "node_id": document.node_id,
            "locale": document.locale, "kind": document.kind, "status": document.status,
            "search_key": content_key(document.node_id, document.locale),
            "title": document.title, "slug": document.slug, "excerpt": document.excerpt,
            "body": document.body, "body_format": document.body_format,
            "author_id": document.author_id, "author_name": document.author_name,
            "category_id": document.category_id, "category_name": document.category_name,
            "category_slug": document.category_slug, "tags": document.tags,
            "meta_title": document.meta_title, "meta_description": document.meta_description,
            "featured_image_url": document.featured_image_url, "parent_id": document.parent_id,
            "depth": document.depth, "position": document.position,
            "reply_count": document.reply_count, "published_at": document.published_at,
            "source_updated_at": read_at, "indexed_at": utcnow(),
        }  # fmt: skip
        if not await self._guarded_upsert(CONTENT, ["tenant_id", "node_id", "locale"], values):
            return False
        body = " ".join(filter(None, [document.excerpt, document.body, " ".join(document.tags)]))
        await self._search_entry(
            content_key(document.node_id, document.locale), document.kind, document.locale,
            document.title, body, document.status == "published",
        )  # fmt: skip
        return True

    async def remove_product(
        self, product_id: uuid.UUID, keep_locales: set[str] | None = None
    ) -> None:
        """Delete the product's listings (all, or those not in ``keep_locales``)."""
        condition = [PRODUCTS.c.tenant_id == self._tenant_id, PRODUCTS.c.product_id == product_id]
        if keep_locales:
            condition.append(PRODUCTS.c.locale.not_in(sorted(keep_locales)))
        gone = list(
            await self._session.scalars(
                delete(PRODUCTS).where(*condition).returning(PRODUCTS.c.locale)
            )
        )
        for locale in gone:
            await self._drop_search_entry(product_key(product_id, locale))
        if not keep_locales:
            await self._session.execute(
                delete(PRICES).where(
                    PRICES.c.tenant_id == self._tenant_id, PRICES.c.product_id == product_id
                )
            )

    async def remove_content(
        self, node_id: uuid.UUID, keep_locales: set[str] | None = None
    ) -> None:
        condition = [CONTENT.c.tenant_id == self._tenant_id, CONTENT.c.node_id == node_id]
        if keep_locales:
            condition.append(CONTENT.c.locale.not_in(sorted(keep_locales)))
        gone = list(
            await self._session.scalars(
                delete(CONTENT).where(*condition).returning(CONTENT.c.locale)
            )
        )
        for locale in gone:
            await self._drop_search_entry(content_key(node_id, locale))

    async def _search_entry(
        self, key: str, kind: str, locale: str, title: str, body: str, visible: bool
    ) -> None:
        await self._drop_search_entry(key)
        if not visible:
            return  # only published entities are searchable
        params = {"key": key, "tenant": str(self._tenant_id), "locale": locale, "kind": kind,
                  "title": normalise(title), "body": normalise(body),
                  "scope": scope_token(self._tenant_id, locale)}  # fmt: skip
        if self._dialect == "postgresql":
            await self._session.execute(
                text(
                    "INSERT INTO index_search "
                    "(doc_key, entry_id, tenant_id, locale, kind, search_vector) "
                    "VALUES (:key, :entry_id, :tenant, :locale, :kind, "
                    "setweight(to_tsvector('simple', :title), 'A') || "
                    "setweight(to_tsvector('simple', :body), 'D') || "
                    "setweight(to_tsvector('simple', :scope), 'C'))"  # search.SCOPE_WEIGHT
                ),
                {**params, "entry_id": search_entry_id(key)},
            )
        else:
            prefix = word_prefix(self._tenant_id, locale)  # FTS5 indexes scoped words
            await self._session.execute(
                text(
                    "INSERT INTO index_search "
                    "(rowid, doc_key, tenant_id, locale, kind, title, body, scope) "
                    "VALUES (:rowid, :key, :tenant, :locale, :kind, :title, :body, :scope)"
                ),
                {
                    **params,
                    "rowid": search_entry_id(key),
                    "title": scoped_words(prefix, params["title"]),
                    "body": scoped_words(prefix, params["body"]),
                },
            )

    async def _drop_search_entry(self, key: str) -> None:
        if self._dialect == "postgresql":
            await self._session.execute(
                text("DELETE FROM index_search WHERE doc_key = :key"), {"key": key}
            )
        else:
            await self._session.execute(
                text("DELETE FROM index_search WHERE rowid = :rowid"),
                {"rowid": search_entry_id(key)},
            )
