"""Today's storefront reads through the ORM, kept as the reference the raw reads must equal
byte for byte (``test_raw_reads.py``). This is the code the storefront ran before the raw
read pool (issue 13), unchanged but for the search rank, which names the scope column, its
tie-break, the entry id (the FTS5 rowid; ``entry_id`` on PostgreSQL) instead of the key, and
SQLite's words, which the index holds scoped (migration 20261206_0018)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, bindparam, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from rustok.core.context import TenantRef
from rustok.core.errors import ValidationFailed
from rustok.modules.index.models import ContentListing, ProductListing, ProductPrice
from rustok.modules.index.queries import (
    MAX_LIMIT,
    DateCursor,
    PriceCursor,
    ProductEdges,
    ProductFilter,
    ProductPage,
    ProductSummary,
    RelevanceCursor,
    SearchHit,
    Sort,
    TitleCursor,
    json_contains,
    resolve_locale,
)
from rustok.modules.index.queries import decode_sort_cursor as _decode
from rustok.modules.index.search import FTS5_RANK, SEARCH, word_prefix
from rustok.modules.index.text import fts5_query, query_words, tsquery
from rustok.web.cursors import encode_cursor


class SearchEngine:
    """The search match of the ORM reads: words only, no scope token (on SQLite the words
    as the index holds them: scoped to the tenant's locale, ``search.word_prefix``)."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def match(self, words: list[str], prefix: str) -> tuple[Any, Any]:
        if self.dialect == "postgresql":
            query = func.to_tsquery(
                literal_column("'simple'::regconfig"), bindparam("search_query", tsquery(words))
            )
            return SEARCH.c.search_vector.op("@@")(query), -func.ts_rank(
                SEARCH.c.search_vector, query
            )
        scoped = fts5_query([prefix + word for word in words])
        match = text("index_search MATCH :search_query").bindparams(search_query=scoped)
        return match, literal_column(FTS5_RANK)


def _entry_id(dialect: str) -> Any:
    return SEARCH.c.entry_id if dialect == "postgresql" else literal_column("index_search.rowid")


def _category_condition(category: str, dialect: str) -> Any:
    try:
        return json_contains(ProductListing.category_ids, str(uuid.UUID(category)), dialect)
    except ValueError:
        return json_contains(ProductListing.category_handles, category, dialect)


async def list_products(
    session: AsyncSession, tenant: TenantRef, locale: str | None, flt: ProductFilter
) -> ProductPage:
    edges = await product_edges(session, tenant, locale, flt)
    more = edges.has_more and bool(edges.items)
    return ProductPage(items=edges.items, next_cursor=edges.cursors[-1] if more else None)


async def product_edges(
    session: AsyncSession, tenant: TenantRef, locale: str | None, flt: ProductFilter
) -> ProductEdges:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    limit = min(max(flt.limit, 1), MAX_LIMIT)
    currency = (flt.currency or tenant.currency_code).upper()
    words = query_words(flt.q or "")
    sort: Sort = flt.sort or ("relevance" if words else "newest")
    if sort == "price_asc":
        sort = "price"
    if sort == "relevance" and not words:
        raise ValidationFailed(errors={"sort": ["relevance needs a search query q"]})
    listing, price = ProductListing, ProductPrice
    price_join = and_(price.product_id == listing.product_id, price.tenant_id == listing.tenant_id,
                      price.currency_code == currency)  # fmt: skip
    columns: list[Any] = [listing, price.price_min, price.price_max, price.compare_at_max]
    rank = None
    query = (
        select(*columns)
        .where(listing.locale == resolve_locale(tenant, locale), listing.is_published.is_(True))
        # A summary and its cursor need these; the JSON columns (variants, options, images)
        # would cost a decode each per row.
        .options(load_only(
            listing.product_id, listing.handle, listing.title, listing.in_stock,
            listing.on_sale, listing.thumbnail_url, listing.locale, listing.published_at,
            listing.sort_title,
        ))
    )  # fmt: skip
    # Only products sold in the currency: one without a price there cannot be bought.
    query = query.join(price, price_join)
    if words:
        prefix = word_prefix(tenant.id, resolve_locale(tenant, locale))
        condition, rank = SearchEngine(dialect).match(words, prefix)
        query = query.join(SEARCH, SEARCH.c.doc_key == listing.search_key).where(condition)
    if flt.category is not None:
        query = query.where(_category_condition(flt.category, dialect))
    if flt.in_stock is not None:
        query = query.where(listing.in_stock.is_(flt.in_stock))
    if flt.min_price is not None:
        query = query.where(price.price_max >= flt.min_price)
    if flt.max_price is not None:
        query = query.where(price.price_min <= flt.max_price)
    query, make_cursor = _order(query, sort, rank, flt.cursor)
    rows = (await session.execute(query.limit(limit + 1))).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        ProductSummary(
            id=row[0].product_id,
            handle=row[0].handle,
            title=row[0].title,
            price_min=row[1],
            price_max=row[2],
            compare_at_max=row[3],
            currency_code=currency,
            in_stock=row[0].in_stock,
            on_sale=row[0].on_sale,
            thumbnail=row[0].thumbnail_url,
            locale=row[0].locale,
        )
        for row in rows
    ]
    cursors = [make_cursor(rows[: i + 1]) for i in range(len(rows))]
    return ProductEdges(items=items, cursors=cursors, has_more=more)


def _order(query: Any, sort: Sort, rank: Any, cursor: str | None) -> tuple[Any, Any]:
    listing, price = ProductListing, ProductPrice
    after = _decode(cursor, sort) if cursor else None
    if sort == "relevance":
        offset = after.o if isinstance(after, RelevanceCursor) else 0
        query = query.order_by(rank, listing.product_id).offset(offset)
        return query, lambda rows: encode_cursor(RelevanceCursor(s=sort, o=offset + len(rows)))
    key_columns = {
        "newest": (listing.published_at, True),
        "oldest": (listing.published_at, False),
        "title": (listing.sort_title, False),
        "price": (price.price_min, False),
        "price_desc": (price.price_max, True),
    }
    column, descending = key_columns[sort]
    if isinstance(after, DateCursor | TitleCursor | PriceCursor):
        value, last_id = after.v, after.id
        beyond = (column < value) if descending else (column > value)
        same = (listing.product_id < last_id) if descending else (listing.product_id > last_id)
        query = query.where(or_(beyond, and_(column == value, same)))
    id_order = listing.product_id.desc() if descending else listing.product_id.asc()
    query = query.order_by(column.desc() if descending else column.asc(), id_order)

    def make_cursor(rows: list[Any]) -> str:
        last = rows[-1]
        product_id = last[0].product_id
        if sort in ("newest", "oldest"):
            return encode_cursor(DateCursor(s=sort, v=last[0].published_at, id=product_id))
        if sort == "title":
            return encode_cursor(TitleCursor(s=sort, v=last[0].sort_title, id=product_id))
        price = last[1] if sort == "price" else last[2]
        return encode_cursor(PriceCursor(s=sort, v=price, id=product_id))

    return query, make_cursor


async def product_by_handle(
    session: AsyncSession, tenant: TenantRef, locale: str | None, handle: str
) -> ProductListing | None:
    query = select(ProductListing).where(
        ProductListing.locale == resolve_locale(tenant, locale),
        ProductListing.handle == handle,
        ProductListing.is_published.is_(True),
    )
    return (await session.scalars(query)).first()


async def content_by_slug(
    session: AsyncSession, tenant: TenantRef, locale: str | None, kind: str, slug: str
) -> ContentListing | None:
    query = select(ContentListing).where(
        ContentListing.locale == resolve_locale(tenant, locale),
        ContentListing.kind == kind,
        ContentListing.slug == slug,
        ContentListing.status == "published",
    )
    return (await session.scalars(query)).first()


async def search(
    session: AsyncSession, tenant: TenantRef, locale: str | None, q: str, limit: int = 20
) -> list[SearchHit]:
    """Products and published content matching ``q``, best first (three queries)."""
    words = query_words(q)
    if not words:
        raise ValidationFailed(errors={"q": ["type at least one word"]})
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    chosen = resolve_locale(tenant, locale)
    condition, rank = SearchEngine(dialect).match(words, word_prefix(tenant.id, chosen))
    ranked = (
        (
            await session.execute(
                select(SEARCH.c.doc_key)
                .where(condition, SEARCH.c.tenant_id == str(tenant.id), SEARCH.c.locale == chosen)
                .order_by(rank, _entry_id(dialect))
                .limit(min(max(limit, 1), MAX_LIMIT))
            )
        )
        .scalars()
        .all()
    )
    if not ranked:
        return []
    products = {
        p.search_key: p
        for p in await session.scalars(
            select(ProductListing).where(ProductListing.search_key.in_(ranked))
        )
    }
    content = {
        c.search_key: c
        for c in await session.scalars(
            select(ContentListing).where(ContentListing.search_key.in_(ranked))
        )
    }
    hits: list[SearchHit] = []
    for key in ranked:  # the tenant filter on the listings drops anything foreign
        if (p := products.get(key)) is not None and p.is_published:
            hits.append(SearchHit(type="product", id=p.product_id, kind="product", title=p.title,
                                  handle_or_slug=p.handle, excerpt=p.subtitle))  # fmt: skip
        elif (c := content.get(key)) is not None and c.status == "published":
            hits.append(SearchHit(type="content", id=c.node_id, kind=c.kind, title=c.title,
                                  handle_or_slug=c.slug, excerpt=c.excerpt))  # fmt: skip
    return hits
