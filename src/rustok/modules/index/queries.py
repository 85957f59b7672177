"""Storefront reads (IX-3): from the read models only, one SQL statement each.

Products list with keyset cursors (newest, price, title) or, for relevance, an offset
cursor; every filter is a predicate on the listing or its price row, never a join to the
write model. The statements are Core selects compiled once per shape and tenant-scoped
when compiled (``core/scoped_sql.py``), run on the raw read pool (``core/read_pool.py``):
no session, no ORM rows, one round trip (one thread hop on SQLite).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec
from sqlalchemy import Select, String, and_, bindparam, exists, func, literal_column, or_, select

from rustok.core.context import TenantRef
from rustok.core.errors import ValidationFailed
from rustok.modules.index.models import ContentListing, ProductListing, ProductPrice
from rustok.modules.index.rows import LIST_COLUMNS, ContentRow, ListRow, ProductRow, RowReader
from rustok.modules.index.search import SEARCH, SearchEngine, scope_token
from rustok.modules.index.text import query_words
from rustok.web.cursors import InvalidCursor, Offset, decode_cursor, encode_cursor

Sort = Literal["newest", "oldest", "price", "price_asc", "price_desc", "title", "relevance"]
MAX_LIMIT = 100
PRODUCTS: Any = ProductListing.__table__
PRICES: Any = ProductPrice.__table__
CONTENT: Any = ContentListing.__table__


class ProductFilter(msgspec.Struct, frozen=True, kw_only=True):
    q: str | None = None
    category: str | None = None  # an id or a handle
    min_price: int | None = None
    max_price: int | None = None
    currency: str | None = None
    in_stock: bool | None = None
    sort: Sort | None = None
    cursor: str | None = None
    limit: int = 20


class ProductSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    handle: str
    title: str
    price_min: int | None
    price_max: int | None
    compare_at_max: int | None
    currency_code: str
    in_stock: bool
    on_sale: bool
    thumbnail: str | None
    locale: str


class ProductPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ProductSummary]
    next_cursor: str | None


class ProductEdges(msgspec.Struct, frozen=True, kw_only=True):
    """A page with each item's own cursor (continuing right after it), for GraphQL; or with
    the last item's only (``every_cursor=False``)."""

    items: list[ProductSummary]
    cursors: list[str]
    has_more: bool


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    type: Literal["product", "content"]
    id: uuid.UUID
    kind: str
    title: str
    handle_or_slug: str
    excerpt: str | None


def resolve_locale(tenant: TenantRef, requested: str | None) -> str:
    """The listing locale to read: the requested one if enabled, else the default."""
    return tenant.locale_chain(requested)[0]


class _Cursor(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    s: Sort  # the sort it continues: a cursor of another sort is refused


class RelevanceCursor(_Cursor, frozen=True, kw_only=True, forbid_unknown_fields=True):
    o: Offset


class DateCursor(_Cursor, frozen=True, kw_only=True, forbid_unknown_fields=True):
    v: Annotated[dt.datetime, msgspec.Meta(tz=True)]
    id: uuid.UUID


class TitleCursor(_Cursor, frozen=True, kw_only=True, forbid_unknown_fields=True):
    v: Annotated[str, msgspec.Meta(max_length=255, pattern=r"^[^\x00]*$")]
    id: uuid.UUID


class PriceCursor(_Cursor, frozen=True, kw_only=True, forbid_unknown_fields=True):
    v: Annotated[int, msgspec.Meta(ge=0, le=2**62)]
    id: uuid.UUID


_KEYSET_CURSORS = (DateCursor, TitleCursor, PriceCursor)
_CURSOR_TYPES: dict[str, type[_Cursor]] = {
    "relevance": RelevanceCursor, "newest": DateCursor, "oldest": DateCursor,
    "title": TitleCursor, "price": PriceCursor, "price_desc": PriceCursor,
}  # fmt: skip


def decode_sort_cursor(cursor: str, sort: Sort) -> _Cursor:
    decoded = decode_cursor(cursor, _CURSOR_TYPES[sort], field="cursor")
    if decoded.s != sort:
        message = f"a cursor of sort {decoded.s}, not {sort}"
        raise InvalidCursor(f"cursor: {message}", errors={"cursor": [message]})
    if isinstance(decoded, DateCursor):
        try:  # in UTC, as the drivers bind it: year 1 at +14:00 is no date there
            return msgspec.structs.replace(decoded, v=decoded.v.astimezone(dt.UTC))
        except OverflowError:
            message = "a date out of range"
            raise InvalidCursor(f"cursor: {message}", errors={"cursor": [message]}) from None
    return decoded


def json_contains(column: Any, value: Any, dialect: str) -> Any:
    """``value`` is an element of the JSON array ``column``."""
    if dialect == "postgresql":
        return column.op("@>")(func.jsonb_build_array(value))
    return exists(
        select(literal_column("1"))
        .select_from(func.json_each(column))
        .where(literal_column("value") == value)
    )


def list_sort(flt: ProductFilter, words: list[str]) -> Sort:
    sort: Sort = flt.sort or ("relevance" if words else "newest")
    if sort == "price_asc":
        sort = "price"
    if sort == "relevance" and not words:
        raise ValidationFailed(errors={"sort": ["relevance needs a search query q"]})
    return sort


# Sort -> (key column, descending); relevance orders by rank.
_KEYS: dict[str, tuple[Any, bool]] = {
    "newest": (PRODUCTS.c.published_at, True),
    "oldest": (PRODUCTS.c.published_at, False),
    "title": (PRODUCTS.c.sort_title, False),
    "price": (PRICES.c.price_min, False),
    "price_desc": (PRICES.c.price_max, True),
}
# ListRow's columns, in its order, then its ``key``: the sort's column unless the row has it.
_LIST_COLUMNS = tuple(
    PRICES.c[name] if name.startswith(("price_", "compare_at_")) else PRODUCTS.c[name]
    for name in LIST_COLUMNS
)
_ROW_KEYS: dict[str, Any] = {
    sort: column for sort, (column, _) in _KEYS.items() if column.name not in LIST_COLUMNS
}


def _list_shape(
    flt: ProductFilter, sort: Sort, words: bool, category_id: bool, after: bool
) -> tuple[Any, ...]:
    """What decides the statement's text (not its values): one compiled statement each."""
    return (
        "list", sort, words, flt.category is not None, category_id, flt.in_stock,
        flt.min_price is not None, flt.max_price is not None, after,
    )  # fmt: skip


def _list_statement(shape: tuple[Any, ...], dialect: str) -> Select[Any]:
    """The list's SELECT for one shape; every value is a named bind parameter."""
    _, sort, words, category, category_id, in_stock, min_price, max_price, after = shape
    key = _ROW_KEYS.get(sort)
    query = (
        select(*_LIST_COLUMNS, *([] if key is None else [key]))
        .join(PRICES, and_(PRICES.c.product_id == PRODUCTS.c.product_id,
                           PRICES.c.tenant_id == PRODUCTS.c.tenant_id,
                           PRICES.c.currency_code == bindparam("currency")))
        .where(PRODUCTS.c.locale == bindparam("locale"), PRODUCTS.c.is_published.is_(True))
    )  # fmt: skip
    rank = None
    if words:
        condition, rank = SearchEngine(dialect).match()
        query = query.join(SEARCH, SEARCH.c.doc_key == PRODUCTS.c.search_key).where(condition)
    if category:
        column = PRODUCTS.c.category_ids if category_id else PRODUCTS.c.category_handles
        query = query.where(json_contains(column, bindparam("category", type_=String()), dialect))
    if in_stock is not None:
        query = query.where(PRODUCTS.c.in_stock.is_(in_stock))
    if min_price:
        query = query.where(PRICES.c.price_max >= bindparam("min_price"))
    if max_price:
        query = query.where(PRICES.c.price_min <= bindparam("max_price"))
    if sort == "relevance":
        return (
            query.order_by(rank, PRODUCTS.c.product_id)
            .limit(bindparam("limit"))
            .offset(bindparam("offset"))
        )
    column, descending = _KEYS[sort]
    if after:
        value: Any = bindparam("after_value", type_=column.type)
        last: Any = bindparam("after_id", type_=PRODUCTS.c.product_id.type)
        beyond = (column < value) if descending else (column > value)
        same = (PRODUCTS.c.product_id < last) if descending else (PRODUCTS.c.product_id > last)
        query = query.where(or_(beyond, and_(column == value, same)))
    product_id = PRODUCTS.c.product_id
    return query.order_by(
        column.desc() if descending else column.asc(),
        product_id.desc() if descending else product_id.asc(),
    ).limit(bindparam("limit"))


def _category_param(category: str) -> tuple[bool, str]:
    try:
        return True, str(uuid.UUID(category))
    except ValueError:
        return False, category


class StorefrontReads:
    """The storefront's reads for one platform: compiled statements on the read pool."""

    def __init__(self, rows: RowReader) -> None:
        self._rows = rows
        self.dialect = rows.dialect

    async def product_edges(
        self, tenant: TenantRef, locale: str | None, flt: ProductFilter, *,
        every_cursor: bool = True,
    ) -> ProductEdges:  # fmt: skip
        """A page; ``every_cursor=False``: only the last item's cursor (REST pages need no
        other, and each costs an encoding)."""
        limit = min(max(flt.limit, 1), MAX_LIMIT)
        currency = (flt.currency or tenant.currency_code).upper()
        words = query_words(flt.q) if flt.q else []
        sort = list_sort(flt, words)
        after = decode_sort_cursor(flt.cursor, sort) if flt.cursor else None
        category_id, category = _category_param(flt.category) if flt.category else (False, "")
        values: dict[str, Any] = {
            "currency": currency, "locale": resolve_locale(tenant, locale), "limit": limit + 1,
            "category": category, "min_price": flt.min_price,
            "max_price": flt.max_price,
        }  # fmt: skip
        if words:
            values.update(SearchEngine(self.dialect).params(words, tenant.id, values["locale"]))
        offset = 0
        if isinstance(after, RelevanceCursor):
            offset = after.o
        elif isinstance(after, _KEYSET_CURSORS):
            values.update(after_value=after.v, after_id=after.id)
        if sort == "relevance":
            values["offset"] = offset
        keyset = isinstance(after, _KEYSET_CURSORS)
        shape = _list_shape(flt, sort, bool(words), category_id, keyset)
        fetched = await self._rows.fetch(
            tenant.id, shape, lambda: _list_statement(shape, self.dialect), values,
            lambda found: (len(found) > limit, self._rows.list_rows(found[:limit])),
            quick=not words, full_text=bool(words),
        )  # fmt: skip
        more, rows = fetched
        chosen = values["locale"]  # every row's: the statement's filter
        items = [
            ProductSummary(
                id=row.product_id, handle=row.handle, title=row.title, price_min=row.price_min,
                price_max=row.price_max, compare_at_max=row.compare_at_max,
                currency_code=currency, in_stock=row.in_stock, on_sale=row.on_sale,
                thumbnail=row.thumbnail_url, locale=chosen,
            )
            for row in rows
        ]  # fmt: skip
        first = 0 if every_cursor else max(len(rows) - 1, 0)
        cursors = [self._cursor(sort, rows[i], offset + i + 1) for i in range(first, len(rows))]
        return ProductEdges(items=items, cursors=cursors, has_more=more)

    def _cursor(self, sort: Sort, row: ListRow, position: int) -> str:
        if sort == "relevance":
            return encode_cursor(RelevanceCursor(s=sort, o=position))
        if sort in ("newest", "oldest"):
            published = self._rows.published(row.key)
            return encode_cursor(DateCursor(s=sort, v=published, id=row.product_id))
        if sort == "title":
            return encode_cursor(TitleCursor(s=sort, v=row.key, id=row.product_id))
        price = row.price_min if sort == "price" else row.price_max
        return encode_cursor(PriceCursor(s=sort, v=price, id=row.product_id))

    async def list_products(
        self, tenant: TenantRef, locale: str | None, flt: ProductFilter
    ) -> ProductPage:
        edges = await self.product_edges(tenant, locale, flt, every_cursor=False)
        more = edges.has_more and bool(edges.items)
        return ProductPage(items=edges.items, next_cursor=edges.cursors[-1] if more else None)

    async def product_by_handle(
        self, tenant: TenantRef, locale: str | None, handle: str
    ) -> ProductRow | None:
        values = {"locale": resolve_locale(tenant, locale), "handle": handle}
        rows = await self._rows.fetch(
            tenant.id, "product", self._rows.product_statement, values, self._rows.product_rows,
            quick=True,
        )  # fmt: skip
        return rows[0] if rows else None

    async def content_by_slug(
        self, tenant: TenantRef, locale: str | None, kind: str, slug: str
    ) -> ContentRow | None:
        values = {"locale": resolve_locale(tenant, locale), "kind": kind, "slug": slug}
        rows = await self._rows.fetch(
            tenant.id, "content", self._rows.content_statement, values, self._rows.content_rows,
            quick=True,
        )  # fmt: skip
        return rows[0] if rows else None

    async def search(
        self, tenant: TenantRef, locale: str | None, q: str, limit: int = 20
    ) -> list[SearchHit]:
        """Products and published content matching ``q``, best first (one statement)."""
        words = query_words(q)
        if not words:
            raise ValidationFailed(errors={"q": ["type at least one word"]})
        chosen = resolve_locale(tenant, locale)
        values = {"locale": chosen, "limit": min(max(limit, 1), MAX_LIMIT),
                  **SearchEngine(self.dialect).params(words, tenant.id, chosen)}  # fmt: skip
        rows = await self._rows.fetch(
            tenant.id, "search", self._rows.search_statement, values, self._rows.search_rows,
            quick=True, full_text=True,
        )  # fmt: skip
        return [hit for hit in rows if hit is not None]


__all__ = ["scope_token"]
