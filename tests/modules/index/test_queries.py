"""Storefront reads from the read models: lists, filters, cursors, search on both engines."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select, text

from rustok.core.context import DEFAULT_TENANT_ID, RequestContext, TenantRef, use_context
from rustok.core.errors import ValidationFailed
from rustok.core.platform import Platform
from rustok.core.scoped_sql import compile_scoped
from rustok.modules.index.index_runtime import storefront
from rustok.modules.index.models import ProductListing
from rustok.modules.index.queries import ProductFilter, Sort, _list_shape, _list_statement
from rustok.modules.index.search import search_entry_id
from rustok.modules.index.store import product_key
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService, tenant_ref
from tests.conftest import count_queries
from tests.modules.index.support import content, product, write

TENANT = TenantRef(id=DEFAULT_TENANT_ID, slug="default", name="Default", default_locale="en",
                   currency_code="USD", locales=(("en", None), ("de", "en")))  # fmt: skip


async def _list(
    platform: Platform, tenant: TenantRef = TENANT, locale: str | None = None, **kw: object
) -> list[str]:
    page = await storefront(platform).reads.list_products(tenant, locale, ProductFilter(**kw))  # type: ignore[arg-type]
    return [item.title for item in page.items]


async def test_filters_and_sorting(platform: Platform) -> None:
    cat = str(uuid.uuid4())
    await write(
        platform, TENANT,
        product("Alpha lamp", 1, price=3000, categories=[cat]),
        product("Beta chair", 2, price=1000, in_stock=False),
        product("Gamma desk", 3, price=2000, categories=[cat]),
        product("Hidden draft", 4, published=False),
        product("Euro only", 5, currency="EUR", price=500),
    )  # fmt: skip
    # Only products priced in the list's currency (the tenant's by default).
    assert await _list(platform) == ["Gamma desk", "Beta chair", "Alpha lamp"]  # newest
    assert await _list(platform, sort="oldest") == ["Alpha lamp", "Beta chair", "Gamma desk"]
    assert await _list(platform, sort="title") == ["Alpha lamp", "Beta chair", "Gamma desk"]
    assert await _list(platform, sort="price_asc") == ["Beta chair", "Gamma desk", "Alpha lamp"]
    assert await _list(platform, sort="price") == [
        "Beta chair",
        "Gamma desk",
        "Alpha lamp",
    ]  # USD only
    assert await _list(platform, sort="price", currency="eur") == ["Euro only"]
    assert await _list(platform, category=cat) == ["Gamma desk", "Alpha lamp"]
    assert await _list(platform, in_stock=False) == ["Beta chair"]
    assert await _list(platform, min_price=1600, max_price=2100) == ["Gamma desk"]  # ranges overlap


async def test_cursor_pages_cover_everything_once(platform: Platform) -> None:
    await write(
        platform, TENANT, *(product(f"Item {n:02d}", n, price=100 * (n % 7)) for n in range(25))
    )
    sorts: tuple[Sort, ...] = ("newest", "title", "price", "price_desc")
    last_cursor = "garbage"
    for sort in sorts:
        seen: list[str] = []
        cursor: str | None = None
        while True:
            page = await storefront(platform).reads.list_products(
                TENANT, None, ProductFilter(sort=sort, limit=7, cursor=cursor)
            )
            seen += [i.title for i in page.items]
            if page.next_cursor is None:
                break
            cursor = last_cursor = page.next_cursor
        assert sorted(seen) == sorted(f"Item {n:02d}" for n in range(25)), sort
    with pytest.raises(ValidationFailed):  # a price_desc cursor is no title cursor
        await _list(platform, sort="title", cursor=last_cursor)


async def test_relevance_order_is_the_same_on_both_engines(platform: Platform) -> None:
    await write(
        platform, TENANT,
        product("Running shoes", 1, body="light and fast"),
        product("Leather belt", 2, body="for running errands in style"),
        product("Café table", 3, body="solid oak"),
        content("Running a marathon", 1, body="training plan"),
        content("Garden notes", 2, body="nothing about sports"),
    )  # fmt: skip
    assert await _list(platform, q="running") == ["Running shoes", "Leather belt"]
    assert await _list(platform, q="runn shoe") == ["Running shoes"]  # prefixes, all words
    assert await _list(platform, q="CAFE") == ["Café table"]  # case and accents
    assert await _list(platform, q="'; DROP TABLE index_search; --") == []
    hits = await storefront(platform).reads.search(TENANT, None, "running")
    assert {h.title for h in hits} == {"Running shoes", "Leather belt", "Running a marathon"}
    assert [h.title for h in hits][-1] == "Leather belt"  # body-only match last
    with pytest.raises(ValidationFailed):
        await _list(platform, sort="relevance")


async def test_locales_tenants_and_lookups(platform: Platform) -> None:
    other = tenant_ref(
        await TenantService(platform).create(TenantCreate(slug="other", name="Other"))
    )
    await write(
        platform,
        TENANT,
        product("Lampe", 1, locale="de"),
        product("Lamp", 1),
        content("Hallo", 1, locale="de"),
    )
    await write(platform, other, product("Foreign lamp", 2))
    assert await _list(platform, locale="de") == ["Lampe"]
    assert await _list(platform, locale="xx") == ["Lamp"]  # unknown locale: the default
    assert await _list(platform, q="lamp") == ["Lamp"]  # never another tenant's
    assert await _list(platform, other, q="lamp") == ["Foreign lamp"]
    reads = storefront(platform).reads
    found = await reads.product_by_handle(TENANT, "de", "item-1")
    assert found is not None and found.title == "Lampe"
    assert await reads.product_by_handle(TENANT, None, "item-2") is None  # other tenant's
    page = await reads.content_by_slug(TENANT, "de", "post", "post-1")
    assert page is not None and page.title == "Hallo"
    assert await reads.content_by_slug(TENANT, "de", "page", "post-1") is None


async def test_older_reads_never_regress_a_row(platform: Platform) -> None:
    now = dt.datetime.now(dt.UTC)
    assert await write(platform, TENANT, product("New title", 1), read_at=now) == [True]
    assert await write(
        platform, TENANT, product("Old title", 1), read_at=now - dt.timedelta(seconds=5)
    ) == [False]
    assert await _list(platform) == ["New title"]
    assert await _list(platform, q="old") == []


@pytest.mark.parametrize("size", [1, 20, 100])
async def test_constant_query_count(platform: Platform, size: int) -> None:
    await write(platform, TENANT, *(product(f"Thing {n}", n) for n in range(size)))
    reads = storefront(platform)
    raw: list[str] = []
    reads.pool.observers.append(raw.append)
    with count_queries(platform.db) as counter:
        page = await reads.reads.list_products(TENANT, None, ProductFilter(limit=100, q="thing"))
    assert len(page.items) == size
    assert (len(raw), counter.count) == (1, 0)  # one raw statement, nothing through the ORM


async def test_statistics_steer_sqlite_to_the_handle_index(platform: Platform) -> None:
    await write(platform, TENANT, *(product(f"Thing {n}", n) for n in range(300)))
    await platform.db.refresh_statistics()
    found = await storefront(platform).reads.product_by_handle(TENANT, None, "item-123")
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.db.read_session() as session:
            if platform.db.is_sqlite:
                stats = await session.execute(
                    text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'index_products'")
                )
                assert "ix_index_products_handle" in set(stats.scalars())
                query = select(ProductListing.id).where(
                    ProductListing.locale == "en", ProductListing.handle == "item-123",
                    ProductListing.is_published.is_(True),
                )  # fmt: skip
                compiled = query.compile(
                    dialect=session.bind.dialect, compile_kwargs={"literal_binds": True}
                )
                plan = await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
                details = " ".join(str(row[-1]) for row in plan)
                assert "ix_index_products_handle" in details, details
    assert found is not None and found.title == "Thing 123"


@pytest.mark.parametrize("sort", ["newest", "oldest"])
async def test_a_list_page_is_read_in_its_index_order(platform: Platform, sort: Sort) -> None:
    """The list index ends with the id, the order's tie-break: a page comes out of the index
    in order, with no sort after it (SQLite's temporary B-tree, PostgreSQL's Sort)."""
    await write(platform, TENANT, *(product(f"Thing {n}", n) for n in range(300)))
    await platform.db.refresh_statistics()
    dialect = platform.db.engine.dialect
    shape = _list_shape(ProductFilter(sort=sort), sort, False, False, False)
    read = compile_scoped(_list_statement(shape, dialect.name), dialect)
    values = {"currency": "USD", "locale": "en", "limit": 21}
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.db.read_session() as session:
            conn = await session.connection()
            if platform.db.is_sqlite:
                explain = "EXPLAIN QUERY PLAN "
            else:  # whatever the costs: a sort the index cannot spare shows
                for setting in ("enable_seqscan", "enable_sort", "enable_incremental_sort"):
                    await conn.exec_driver_sql(f"SET LOCAL {setting} = off")
                explain = "EXPLAIN "
            plan = await conn.exec_driver_sql(
                explain + read.sql, tuple(read.params(TENANT.id, values))
            )
            details = "\n".join(str(row[-1]) for row in plan)
    assert "ix_index_products_list" in details, details
    assert "TEMP B-TREE" not in details and "Sort" not in details, details


async def test_equal_ranks_come_in_entry_id_order_on_both_engines(platform: Platform) -> None:
    """Ties are broken by the entry id (the FTS5 rowid, ``entry_id`` on PostgreSQL), so the
    same corpus gives the same order on both engines, also in the limit's cut."""
    await write(platform, TENANT, *(product("Twin lamp", n, body="same words") for n in range(8)))
    hits = await storefront(platform).reads.search(TENANT, None, "twin lamp", limit=5)
    ids = [hit.id for hit in await storefront(platform).reads.search(TENANT, None, "twin lamp")]
    by_entry = sorted(ids, key=lambda i: search_entry_id(product_key(i, "en")))
    assert len(ids) == 8 and ids == by_entry
    assert [hit.id for hit in hits] == by_entry[:5]
