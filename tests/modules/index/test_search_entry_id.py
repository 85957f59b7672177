"""The search entry id is one number on both engines: SQLite's FTS5 rowid is
``search_entry_id(key)``, and PostgreSQL's ``entry_id`` (set on write, and by migration
20261206_0017 for rows written before it) is the same number."""

from __future__ import annotations

import hashlib
import importlib

import pytest
from sqlalchemy import text

from rustok.core.context import RequestContext, use_context
from rustok.core.platform import Platform
from rustok.modules.index.search import search_entry_id
from rustok.modules.index.store import product_key
from tests.modules.index.support import product, write
from tests.modules.index.test_queries import TENANT

MIGRATION = importlib.import_module("rustok.modules.index.migrations.20261206_0017_search_entry_id")


async def test_written_entries_carry_their_entry_id(platform: Platform) -> None:
    docs = [product(f"Lamp {n}", n) for n in range(3)]
    await write(platform, TENANT, *docs)
    expected = {product_key(d.product_id, "en"): search_entry_id(product_key(d.product_id, "en")) for d in docs}  # fmt: skip
    column = "entry_id" if platform.db.dialect == "postgresql" else "rowid"
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.db.read_session() as session:
            rows = (
                await session.execute(text(f"SELECT doc_key, {column} FROM index_search"))
            ).all()
    assert {key: int(entry) for key, entry in rows if key in expected} == expected


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_migrations_entry_id_is_the_same_number(platform: Platform) -> None:
    """The backfill's SQL gives what Python gives (SQLite's rowids are written by Python
    only), for keys whose ids have the top bit set and clear, and for non-ASCII text."""
    keys = ["p:00000000-0000-0000-0000-000000000001:en", "c:ffffffff-ffff-ffff-ffff-ffffffffffff:pt-BR", "é:ü"]  # fmt: skip
    assert any(hashlib.sha256(k.encode()).digest()[0] >= 128 for k in keys)
    assert any(hashlib.sha256(k.encode()).digest()[0] < 128 for k in keys)
    async with platform.db.read_session() as session:
        for key in keys:
            sql = text(
                f"SELECT {MIGRATION.ENTRY_ID} FROM (SELECT CAST(:key AS text) AS doc_key) AS t"
            )
            assert (await session.execute(sql, {"key": key})).scalar_one() == search_entry_id(key)
