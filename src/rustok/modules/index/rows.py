"""Read-model rows as the storefront reads them: statements, and driver values -> Python.

The raw read pool returns what the driver returns. On SQLite that is UUIDs as 32 hex
digits, naive UTC datetime text, JSON text and 0/1; on PostgreSQL asyncpg's own values.
The converters here turn them into what the ORM's column types gave (``uuid.UUID``,
aware UTC datetimes, decoded JSON, booleans), so answers are the same byte for byte.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import msgspec
from sqlalchemy import Select, bindparam, select

from rustok.core.read_pool import ReadPool, Row
from rustok.core.scoped_sql import InnerJoined, ScopedReads
from rustok.modules.index.models import ContentListing, ProductListing

T = TypeVar("T")
PRODUCTS: Any = ProductListing.__table__
CONTENT: Any = ContentListing.__table__


class ProductRow(msgspec.Struct, frozen=True, kw_only=True):
    """The listing columns a product page shows."""

    product_id: uuid.UUID
    handle: str
    locale: str
    title: str
    subtitle: str | None
    description: str | None
    vendor: str | None
    category_ids: list[Any]
    category_names: list[Any]
    category_handles: list[Any]
    category_path: str | None
    tags: list[Any]
    options: list[Any]
    variants: list[Any]
    images: list[Any]
    thumbnail_url: str | None
    total_inventory: int
    on_sale: bool
    meta_title: str | None
    meta_description: str | None
    published_at: dt.datetime | None


class ContentRow(msgspec.Struct, frozen=True, kw_only=True):
    node_id: uuid.UUID
    kind: str
    locale: str
    slug: str
    title: str
    excerpt: str | None
    body: str | None
    body_format: str
    author_name: str | None
    category_name: str | None
    tags: list[Any]
    meta_title: str | None
    meta_description: str | None
    featured_image_url: str | None
    published_at: dt.datetime | None


class ListRow(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """A row of the storefront list, its columns in the statement's order, converted by
    msgspec in one call for all rows (UUIDs from SQLite's hex digits, booleans from its
    0/1). Only what the page shows and its sort's cursor needs: the locale is the one asked
    for (the statement's filter), and ``key`` is the sort's own column when the prices are
    not it — the driver's ``published_at`` (newest, oldest: :meth:`RowReader.published`
    converts the one a cursor reads) or the ``sort_title`` (title). Each column a row
    carries costs the SQLite driver a GIL release and a Python object, 21 rows a page."""

    product_id: uuid.UUID
    handle: str
    title: str
    in_stock: bool
    on_sale: bool
    thumbnail_url: str | None
    price_min: int
    price_max: int
    compare_at_max: int | None
    key: Any = None


LIST_COLUMNS = ListRow.__struct_fields__[:-1]  # and the sort's key, if any


class SearchRow(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """A row of the search statement, in its order, converted by msgspec in one call for all
    rows on SQLite (UUIDs from hex digits, booleans from 0/1): a UUID made in Python and a
    converter call per column cost ~3 µs a hit."""

    doc_key: str
    product_id: uuid.UUID | None
    product_title: str | None
    handle: str | None
    subtitle: str | None
    is_published: bool | None
    node_id: uuid.UUID | None
    kind: str | None
    content_title: str | None
    slug: str | None
    excerpt: str | None
    status: str | None


_PRODUCT_UUIDS = {"product_id"}
_CONTENT_UUIDS = {"node_id"}
_JSON = {"category_ids", "category_names", "category_handles", "tags", "options", "variants",
         "images"}  # fmt: skip
_BOOLS = {"on_sale", "in_stock", "is_published"}
_DATETIMES = {"published_at"}


def _sqlite_uuid(value: Any) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(hex=value)


def _sqlite_datetime(value: Any) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


def _sqlite_json(value: Any) -> Any:
    return None if value is None else msgspec.json.decode(value)  # the values json gives


def _sqlite_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _pg_uuid(value: Any) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(bytes=value.bytes)


def _pg_datetime(value: Any) -> dt.datetime | None:
    return None if value is None else value.astimezone(dt.UTC)


def _same(value: Any) -> Any:
    return value


def converters(names: Sequence[str], dialect: str) -> list[Callable[[Any], Any]]:
    """One converter per column name (the kinds are known by name: these are our tables)."""
    sqlite = dialect == "sqlite"
    result: list[Callable[[Any], Any]] = []
    for name in names:
        if name in _PRODUCT_UUIDS | _CONTENT_UUIDS or name.endswith("_uuid"):
            result.append(_sqlite_uuid if sqlite else _pg_uuid)
        elif name in _DATETIMES:
            result.append(_sqlite_datetime if sqlite else _pg_datetime)
        elif name in _JSON:
            result.append(_sqlite_json if sqlite else _same)
        elif name in _BOOLS:
            result.append(_sqlite_bool if sqlite else _same)
        else:
            result.append(_same)
    return result


def _columns(cls: type[msgspec.Struct]) -> tuple[str, ...]:
    return cls.__struct_fields__


class RowReader:
    """Runs the storefront's compiled reads and converts their rows."""

    def __init__(self, pool: ReadPool, reads: ScopedReads) -> None:
        self.pool = pool
        self.reads = reads
        self.dialect = pool.dialect
        self.published = converters(("published_at",), self.dialect)[0]
        self._product = converters(_columns(ProductRow), self.dialect)
        self._content = converters(_columns(ContentRow), self.dialect)
        self._search = converters(_SEARCH_NAMES, self.dialect)

    async def fetch(
        self, tenant_id: uuid.UUID, shape: Any, build: Callable[[], Select[Any] | InnerJoined],
        values: Mapping[str, Any], convert: Callable[[list[Row]], T], *, quick: bool = False,
        full_text: bool = False,
    ) -> T:  # fmt: skip
        """``convert(rows)``; ``quick``: a short read, ``full_text``: a ranked full-text
        match (see ``ReadPool.fetch``)."""
        read = self.reads.get(shape, build)
        params = read.params(tenant_id, values)
        return convert(await self.pool.fetch(read.sql, params, quick=quick, full_text=full_text))

    def list_rows(self, rows: Sequence[Row]) -> list[ListRow]:
        if self.dialect != "sqlite":  # asyncpg's records: msgspec converts sequences
            return msgspec.convert([tuple(row) for row in rows], list[ListRow])
        return msgspec.convert(rows, list[ListRow], strict=False)  # 0/1 as booleans

    def product_rows(self, rows: list[Row]) -> list[ProductRow]:
        return [self.product_row(row) for row in rows]

    def content_rows(self, rows: list[Row]) -> list[ContentRow]:
        return [self.content_row(row) for row in rows]

    def search_rows(self, rows: list[Row]) -> list[Any]:
        """Each row's hit, or None for an entry whose listing is not published."""
        if self.dialect != "sqlite":
            return [self.search_row(row) for row in rows]
        hit = _search_hit()
        hits: list[Any] = []
        for row in msgspec.convert(rows, list[SearchRow], strict=False):
            if row.product_id is not None and row.is_published:
                hits.append(hit(type="product", id=row.product_id, kind="product",
                                title=row.product_title, handle_or_slug=row.handle,
                                excerpt=row.subtitle))  # fmt: skip
            elif row.node_id is not None and row.status == "published":
                hits.append(hit(type="content", id=row.node_id, kind=row.kind,
                                title=row.content_title, handle_or_slug=row.slug,
                                excerpt=row.excerpt))  # fmt: skip
            else:
                hits.append(None)
        return hits

    def product_row(self, row: Row) -> ProductRow:
        values = (convert(value) for convert, value in zip(self._product, row, strict=True))
        return ProductRow(**dict(zip(_columns(ProductRow), values, strict=True)))

    def content_row(self, row: Row) -> ContentRow:
        values = (convert(value) for convert, value in zip(self._content, row, strict=True))
        return ContentRow(**dict(zip(_columns(ContentRow), values, strict=True)))

    def search_row(self, row: Row) -> Any:
        # Only the columns the hit shows are converted (a product's or a content's).
        (_, product_id, p_title, handle, subtitle, published, node_id, kind, c_title, slug,
         excerpt, status) = row  # fmt: skip
        convert = self._search
        if product_id is not None and convert[_PUBLISHED](published):
            return _search_hit()(type="product", id=convert[_PRODUCT_ID](product_id),
                                 kind="product", title=p_title, handle_or_slug=handle,
                                 excerpt=subtitle)  # fmt: skip
        if node_id is not None and status == "published":
            return _search_hit()(type="content", id=convert[_NODE_ID](node_id), kind=kind,
                                 title=c_title, handle_or_slug=slug, excerpt=excerpt)  # fmt: skip
        return None

    @staticmethod
    def product_statement() -> Select[Any]:
        return (
            select(*(PRODUCTS.c[name] for name in _columns(ProductRow)))
            .where(PRODUCTS.c.locale == bindparam("locale"),
                   PRODUCTS.c.handle == bindparam("handle"), PRODUCTS.c.is_published.is_(True))
            .limit(1)
        )  # fmt: skip

    @staticmethod
    def content_statement() -> Select[Any]:
        return (
            select(*(CONTENT.c[name] for name in _columns(ContentRow)))
            .where(CONTENT.c.locale == bindparam("locale"), CONTENT.c.kind == bindparam("kind"),
                   CONTENT.c.slug == bindparam("slug"), CONTENT.c.status == "published")
            .limit(1)
        )  # fmt: skip

    def search_statement(self) -> InnerJoined:
        """The tenant's best entries with their listing, in two steps: the full-text index
        ranks matching entry ids alone (the scope token holds the tenant and the locale, so
        no stored column of the thousands of matches is read), then only the ``limit``
        ranked ids find their entries and listings (outer joins: the limit counts entries).
        The entry's tenant is checked again in the join (a scoped read's criterion)."""
        from rustok.modules.index.search import SEARCH, SearchEngine

        engine = SearchEngine(self.dialect)
        condition, rank = engine.match()
        entry_id = engine.entry_id(SEARCH)
        ranked = (
            select(entry_id.label("entry_id"), rank.label("rank"))
            .select_from(SEARCH)
            .where(condition)
            .order_by(rank, entry_id)
            .limit(bindparam("limit"))
            .subquery("ranked")
        )
        entry = SEARCH.alias("entry")
        found = (
            ranked.join(entry, engine.entry_id(entry) == ranked.c.entry_id)
            .outerjoin(PRODUCTS, PRODUCTS.c.search_key == entry.c.doc_key)
            .outerjoin(CONTENT, CONTENT.c.search_key == entry.c.doc_key)
        )
        statement = (
            select(
                entry.c.doc_key, PRODUCTS.c.product_id, PRODUCTS.c.title, PRODUCTS.c.handle,
                PRODUCTS.c.subtitle, PRODUCTS.c.is_published, CONTENT.c.node_id, CONTENT.c.kind,
                CONTENT.c.title, CONTENT.c.slug, CONTENT.c.excerpt, CONTENT.c.status,
            )
            .select_from(found)
            .order_by(ranked.c.rank, ranked.c.entry_id)
        )  # fmt: skip
        return InnerJoined(statement, (ranked,))


_SEARCH_NAMES = ("doc_key", "product_id", "title", "handle", "subtitle", "is_published",
                 "node_id", "kind", "title", "slug", "excerpt", "status")  # fmt: skip
_PRODUCT_ID, _PUBLISHED, _NODE_ID = 1, 5, 6


@functools.cache
def _search_hit() -> Any:
    """``queries.SearchHit`` (queries imports this module)."""
    from rustok.modules.index.queries import SearchHit

    return SearchHit
