"""The raw storefront reads answer byte for byte what the ORM reads answered (issue 13), and
they cannot be built or run without a tenant."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import msgspec
import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from rustok.core.context import DEFAULT_TENANT_ID, RequestContext, TenantRef, use_context
from rustok.core.errors import RustokError
from rustok.core.platform import Platform
from rustok.core.scoped_sql import ScopedRead, ScopedReads, UnscopedRead, compile_scoped
from rustok.modules.index.index_runtime import storefront
from rustok.modules.index.models import ProductListing
from rustok.modules.index.queries import PRODUCTS, ProductFilter, Sort, _list_shape, _list_statement
from rustok.modules.index.rows import RowReader
from rustok.modules.index.schemas import content_read, product_detail
from rustok.modules.index.search import SEARCH
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService, tenant_ref
from tests.modules.index import orm_reads
from tests.modules.index.support import content, product, write

TENANT = TenantRef(id=DEFAULT_TENANT_ID, slug="default", name="Default", default_locale="en",
                   currency_code="USD", locales=(("en", None), ("de", "en")))  # fmt: skip
WORDS = ("lamp", "oak", "chair", "red", "ca", "zzz")
CATEGORIES = ("cat-a", "cat-b")


def _catalogue() -> list[Any]:
    """40 products in two locales (the German ones not all translated), prices in two
    currencies with ties, categories by id and handle, some out of stock or drafts, and
    content in both locales."""
    docs: list[Any] = []
    for n in range(40):
        words = f"{WORDS[n % 5]} {WORDS[(n + 2) % 5]}"
        common: dict[str, Any] = {
            "price": 1000 + 100 * (n % 7), "in_stock": n % 4 != 0, "published": n % 9 != 5,
            "categories": [str(uuid.UUID(int=7 + n % 2))],
            "category_handles": [CATEGORIES[n % 2]], "tags": [WORDS[n % 3]],
            "body": f"A {words} for every room", "currency": "EUR" if n % 6 == 1 else "USD",
        }  # fmt: skip
        docs.append(product(f"{words.title()} {n:02d}", n, **common))
        if n % 3:
            docs.append(product(f"{words.title()} DE {n:02d}", n, locale="de", **common))
    for n in range(8):
        docs.append(content(f"Notes on {WORDS[n % 4]} {n}", n, body=f"about {WORDS[n % 3]}"))
        docs.append(content(f"Notizen {WORDS[n % 4]} {n}", n, locale="de", published=n % 3 != 0))
    return docs


def _encode(value: Any) -> bytes:
    return msgspec.json.encode(value)


async def _orm(platform: Platform, work: Any) -> Any:
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.db.read_session() as session:
            return await work(session)


async def _compare_page(platform: Platform, flt: ProductFilter, locale: str | None) -> bytes | None:  # fmt: skip
    """The page of the raw reads after checking it against the ORM's (None: both refused)."""
    reads = storefront(platform).reads
    try:
        new = _encode(await reads.list_products(TENANT, locale, flt))
    except RustokError as exc:
        with pytest.raises(type(exc)):
            await _orm(platform, lambda s: orm_reads.list_products(s, TENANT, locale, flt))
        return None
    old = _encode(await _orm(platform, lambda s: orm_reads.list_products(s, TENANT, locale, flt)))
    assert new == old, (flt, locale)
    edges_new = _encode(await reads.product_edges(TENANT, locale, flt))
    edges_old = _encode(
        await _orm(platform, lambda s: orm_reads.product_edges(s, TENANT, locale, flt))
    )
    assert edges_new == edges_old, (flt, locale)
    return new


async def _compare_lists(platform: Platform, flt: ProductFilter, locale: str | None) -> int:
    """Follows every page of the list; returns how many items it saw."""
    seen = 0
    while True:
        new = await _compare_page(platform, flt, locale)
        if new is None:
            return seen
        page = msgspec.json.decode(new)
        seen += len(page["items"])
        if page["next_cursor"] is None:
            return seen
        flt = msgspec.structs.replace(flt, cursor=page["next_cursor"])


async def test_raw_reads_equal_the_orm_reads_byte_for_byte(platform: Platform) -> None:
    await write(platform, TENANT, *_catalogue())
    sorts: tuple[Sort | None, ...] = (None, "newest", "oldest", "price", "price_asc",
                                      "price_desc", "title", "relevance")  # fmt: skip
    filters: list[dict[str, Any]] = [
        {}, {"in_stock": True}, {"in_stock": False}, {"min_price": 1200},
        {"max_price": 1300, "min_price": 1100}, {"category": "cat-a"},
        {"category": str(uuid.UUID(int=8))}, {"currency": "eur"}, {"q": "lamp"},
        {"q": "oak ch", "in_stock": True}, {"q": "zzz"},
    ]  # fmt: skip
    listed = 0
    for sort, extra, locale, limit in itertools.product(sorts, filters, (None, "de"), (3, 20)):
        flt = ProductFilter(sort=sort, limit=limit, **extra)
        listed += await _compare_lists(platform, flt, locale)
    assert listed > 1000  # the comparisons saw real pages
    reads = storefront(platform).reads
    for n, locale, currency in itertools.product(range(42), (None, "de", "xx"), ("USD", "EUR")):
        new_row = await reads.product_by_handle(TENANT, locale, f"item-{n}")
        old_row = await _orm(platform, lambda s: orm_reads.product_by_handle(s, TENANT, locale, f"item-{n}"))  # fmt: skip  # noqa: B023
        assert (new_row is None) == (old_row is None), n
        if new_row is not None:
            assert _encode(product_detail(new_row, currency)) == _encode(
                product_detail(old_row, currency)
            )
    for n, locale in itertools.product(range(9), (None, "de")):
        new_content = await reads.content_by_slug(TENANT, locale, "post", f"post-{n}")
        old_content = await _orm(platform, lambda s: orm_reads.content_by_slug(s, TENANT, locale, "post", f"post-{n}"))  # fmt: skip  # noqa: B023
        assert (new_content is None) == (old_content is None), n
        if new_content is not None:
            assert _encode(content_read(new_content)) == _encode(content_read(old_content))
    for words, locale, limit in itertools.product(("lamp", "oak red", "no", "c", "zzz"), (None, "de"), (2, 20)):  # fmt: skip
        new_hits = await reads.search(TENANT, locale, words, limit)
        old_hits = await _orm(platform, lambda s: orm_reads.search(s, TENANT, locale, words, limit))  # noqa: B023
        assert _encode(new_hits) == _encode(old_hits), (words, locale, limit)


async def test_another_tenants_rows_are_never_read(platform: Platform) -> None:
    other = tenant_ref(
        await TenantService(platform).create(TenantCreate(slug="other", name="Other"))
    )
    await write(platform, other, product("Lamp of another shop", 1), content("Lamp notes", 1))
    reads = storefront(platform).reads
    assert (await reads.list_products(TENANT, None, ProductFilter())).items == []
    assert await reads.product_by_handle(TENANT, None, "item-1") is None
    assert await reads.content_by_slug(TENANT, None, "post", "post-1") is None
    assert await reads.search(TENANT, None, "lamp") == []
    assert [i.title for i in (await reads.list_products(other, None, ProductFilter())).items] == [
        "Lamp of another shop"
    ]


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.asyncpg.dialect()])  # type: ignore[no-untyped-call]
def test_every_storefront_statement_is_scoped_to_the_tenant(dialect: Any) -> None:
    statements: list[Any] = [RowReader.product_statement(), RowReader.content_statement()]
    reader = RowReader.__new__(RowReader)
    reader.dialect = dialect.name
    for sort, words, after in itertools.product(("newest", "price", "title", "relevance"), (False, True), (False, True)):  # fmt: skip
        if sort == "relevance" and not words:
            continue
        shape = _list_shape(ProductFilter(category="x", in_stock=True), sort, words, False, after)  # type: ignore[arg-type]
        statements.append(_list_statement(shape, dialect.name))
    for statement in statements:
        read = ScopedReads(dialect).get("shape", lambda: statement)  # noqa: B023
        # Every table of the FROM clause is filtered on its tenant_id by a tenant parameter.
        for table in ("index_products", "index_product_prices", "index_content", "index_search"):
            if f"FROM {table}" in read.sql or f"JOIN {table}" in read.sql:
                assert f"{table}.tenant_id = " in read.sql, (table, read.sql)
        with pytest.raises(UnscopedRead):
            read.params(None, {})  # type: ignore[arg-type]
    # The search ranks entry ids in a subquery; each entry is read through a scoped join.
    search = ScopedReads(dialect).get("search", reader.search_statement)
    assert "JOIN index_search AS entry ON " in search.sql
    assert "AND entry.tenant_id = " in search.sql
    with pytest.raises(UnscopedRead):
        search.params(None, {})  # type: ignore[arg-type]


SHOWN = ["product_id", "handle", "title", "in_stock", "on_sale", "thumbnail_url", "price_min",
         "price_max", "compare_at_max"]  # fmt: skip


@pytest.mark.parametrize(
    ("sort", "key"),
    [("newest", ["published_at"]), ("oldest", ["published_at"]), ("title", ["sort_title"]),
     ("price", []), ("price_desc", []), ("relevance", [])],
)  # fmt: skip
def test_a_list_row_carries_the_page_and_its_sorts_key_only(sort: str, key: list[str]) -> None:
    """Each column of each row costs the SQLite driver a GIL release and an object: no
    locale (the filter's), and only the key the sort's cursor reads."""
    shape = _list_shape(ProductFilter(q="x" if sort == "relevance" else None), sort,  # type: ignore[arg-type]
                        sort == "relevance", False, False)  # fmt: skip
    columns = [column.name for column in _list_statement(shape, "sqlite").selected_columns]
    assert columns == [*SHOWN, *key]


def test_a_read_without_tenant_scope_cannot_be_built() -> None:
    dialect = sqlite.dialect()
    from sqlalchemy import column, table

    unscoped = table("sys_events", column("id"))
    with pytest.raises(UnscopedRead, match="sys_events has no tenant_id"):
        compile_scoped(select(unscoped.c.id), dialect)
    joined = select(PRODUCTS.c.id).join(unscoped, unscoped.c.id == PRODUCTS.c.id)
    with pytest.raises(UnscopedRead, match="sys_events has no tenant_id"):
        compile_scoped(joined, dialect)
    with pytest.raises(UnscopedRead):
        compile_scoped(select(ProductListing.__table__.c.id.label("x")).limit(1).subquery().select(), dialect)  # fmt: skip
    # The scope is added even when the caller forgot it: a scoped read always filters.
    read: ScopedRead = compile_scoped(select(SEARCH.c.doc_key), dialect)
    assert "index_search.tenant_id = ?" in read.sql
    assert read.params(DEFAULT_TENANT_ID, {}) == [str(DEFAULT_TENANT_ID)]


def test_a_subquery_is_read_only_through_an_inner_join_with_a_scoped_table() -> None:
    dialect = sqlite.dialect()
    ids = select(PRODUCTS.c.id).limit(5).subquery("ids")
    listing = PRODUCTS.alias("listing")
    inner = select(listing.c.title).select_from(ids.join(listing, listing.c.id == ids.c.id))
    read = compile_scoped(inner, dialect, inner_joined=(ids,))
    assert (
        "JOIN index_products AS listing ON listing.id = ids.id AND listing.tenant_id = ?"
        in read.sql
    )
    # Not vouched for: the subquery alone, an outer join, or no join at all.
    with pytest.raises(UnscopedRead, match="ids has no tenant_id"):
        compile_scoped(inner, dialect)
    outer = select(listing.c.title).select_from(ids.outerjoin(listing, listing.c.id == ids.c.id))
    with pytest.raises(UnscopedRead, match="ids must be inner-joined with a scoped table"):
        compile_scoped(outer, dialect, inner_joined=(ids,))
    apart = select(listing.c.title, ids.c.id).select_from(listing).select_from(ids)
    with pytest.raises(UnscopedRead, match="ids must be inner-joined with a scoped table"):
        compile_scoped(apart, dialect, inner_joined=(ids,))
