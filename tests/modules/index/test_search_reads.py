"""How the storefront's full-text reads run (issue 13): a search is a quick full-text read
(on SQLite: on the event loop under its own step budget, in one read transaction), the list
with ``q`` a full-text read finished on a thread; the answers stay those of the ranking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from rustok.core.context import DEFAULT_TENANT_ID, TenantRef
from rustok.core.platform import Platform
from rustok.core.read_pool import SqliteReadPool
from rustok.modules.index.index_runtime import storefront
from rustok.modules.index.queries import ProductFilter
from tests.modules.index.support import content, product, write

TENANT = TenantRef(id=DEFAULT_TENANT_ID, slug="default", name="Default", default_locale="en",
                   currency_code="USD", locales=(("en", None), ("de", "en")))  # fmt: skip


async def test_a_search_is_a_quick_full_text_read(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    await write(platform, TENANT, product("Red lamp", 1), product("Oak chair", 2, body="red"),
                content("Notes", 1, body="oak"))  # fmt: skip
    runtime = storefront(platform)
    pool = runtime.pool
    asked: list[tuple[str, bool, bool]] = []
    fetch = pool.fetch

    async def recorded(
        sql: str, params: Sequence[Any], *, quick: bool = False, full_text: bool = False
    ) -> Any:
        asked.append(("search" if "bm25" in sql or "ts_rank" in sql else "other", quick, full_text))
        return await fetch(sql, params, quick=quick, full_text=full_text)

    monkeypatch.setattr(pool, "fetch", recorded)
    hits = await runtime.reads.search(TENANT, None, "red")
    page = await runtime.reads.list_products(TENANT, None, ProductFilter(q="red"))
    plain = await runtime.reads.list_products(TENANT, None, ProductFilter())
    assert [hit.title for hit in hits] == ["Red lamp", "Oak chair"]
    assert [item.title for item in page.items] == ["Red lamp", "Oak chair"]
    assert [item.title for item in plain.items] == ["Oak chair", "Red lamp"]
    assert asked == [("search", True, True), ("search", False, True), ("other", True, False)]
    if isinstance(pool, SqliteReadPool):  # the search and the plain list ran on the loop
        assert (pool.inline_reads, pool.inline_fallbacks) == (2, 0)
