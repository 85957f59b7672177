"""Search scoped in the full-text index itself (issue 13, item 7): on SQLite every FTS5 word
is its entry's scope token, ``_`` and the word, so a search reads one tenant's locale's
entries alone and ranks them by that scope's own word counts; an existing database upgrades
through migration 20261206_0018 (and back) with the same answers."""

from __future__ import annotations

import uuid

import msgspec
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from rustok.core.context import DEFAULT_TENANT_ID, RequestContext, TenantRef, use_context
from rustok.core.db import Database
from rustok.core.platform import Platform
from rustok.migrations import alembic_config, downgrade, upgrade
from rustok.modules.index.index_runtime import storefront
from rustok.modules.index.queries import ProductFilter
from rustok.modules.index.search import scoped_words, word_prefix
from rustok.modules.index.text import normalise
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService, tenant_ref
from tests.modules.index.support import content, product, write

TENANT = TenantRef(id=DEFAULT_TENANT_ID, slug="default", name="Default", default_locale="en",
                   currency_code="USD", locales=(("en", None), ("de", "en")))  # fmt: skip
REVISION = "20261206_0018"
QUERIES = ("oak", "red oak", "lamp ch", "rot", "notes", "zzz")


def _catalogue() -> list[object]:
    docs: list[object] = []
    for n in range(12):
        words = ("Red oak lamp", "Oak chair", "Red lamp shade", "Chair of red oak")[n % 4]
        docs.append(product(f"{words} {n}", n, body=f"A {words.lower()} for the hall {n % 3}"))
        docs.append(product(f"Rot Eiche {n}", n, locale="de", body="Eine Lampe"))
    docs += [content(f"Notes on oak {n}", n, body="red notes") for n in range(3)]
    return docs


async def _answers(platform: Platform, tenant: TenantRef) -> bytes:
    reads = storefront(platform).reads
    answers: list[object] = []
    for q in QUERIES:
        for locale in (None, "de"):
            answers.append(await reads.search(tenant, locale, q, 5))
            answers.append(await reads.list_products(tenant, locale, ProductFilter(q=q, limit=5)))
    return msgspec.json.encode(answers)


async def _stored(platform: Platform) -> list[tuple[str, str, str]]:
    with use_context(RequestContext(tenant=TENANT)):
        async with platform.db.read_session() as session:
            sql = "SELECT locale, title, body FROM index_search ORDER BY doc_key"
            rows = (await session.execute(text(sql))).tuples().all()
            return [(locale, title, body) for locale, title, body in rows]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_entries_hold_scoped_words_and_the_migration_upgrades_them(
    platform: Platform,
) -> None:
    """Down to 0017 the entries hold the plain normalised words; up again, the scoped words
    the store writes, and every answer is the same byte for byte."""
    await write(platform, TENANT, *_catalogue())  # type: ignore[arg-type]
    before = await _answers(platform, TENANT)
    assert b"Red oak lamp 0" in before and b"Rot Eiche" in before
    written = await _stored(platform)
    en, de = word_prefix(DEFAULT_TENANT_ID, "en"), word_prefix(DEFAULT_TENANT_ID, "de")
    assert (f"{en}red {en}oak {en}lamp {en}0", "en") in {(t, loc) for loc, t, _ in written}
    assert all(w.startswith(de) for loc, t, b in written if loc == "de" for w in f"{t} {b}".split())  # fmt: skip
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision
    assert isinstance(previous, str)
    db = Database(platform.settings.database_url)
    try:
        await downgrade(db, previous)
        plain = await _stored(platform)
        assert [(loc, scoped_words(word_prefix(DEFAULT_TENANT_ID, loc), t), scoped_words(word_prefix(DEFAULT_TENANT_ID, loc), b)) for loc, t, b in plain] == written  # fmt: skip
        assert all(normalise(t) == t and "_" not in t + b for _, t, b in plain)
        await upgrade(db)
    finally:
        await db.dispose()
    assert await _stored(platform) == written
    assert await _answers(platform, TENANT) == before


async def test_another_tenants_words_never_change_a_tenants_order(platform: Platform) -> None:
    """Two entries answer "oak red" with each word once in the title and once in the body:
    which comes first hangs on the words' counts. Another tenant's entries (as many either
    way, of the same length) are not counted: with global counts, their words decided it."""
    await write(platform, TENANT, product("Oak", 1, body="red"), product("Red", 2, body="oak"))
    orders = []
    for word in ("oak", "red"):
        other = tenant_ref(await TenantService(platform).create(
            TenantCreate(slug=f"other-{word}", name="Other")
        ))  # fmt: skip
        await write(platform, other, *[
            product(f"{word} {word}", n, body="x", product_id=uuid.uuid4()) for n in range(8)
        ])  # fmt: skip
        hits = await storefront(platform).reads.search(TENANT, None, "oak red")
        orders.append([hit.title for hit in hits])
        # Only one other tenant at a time: the other's entries go again.
        with use_context(RequestContext(tenant=other)):
            async with platform.uow() as uow:
                await uow.session.execute(
                    text("DELETE FROM index_search WHERE tenant_id = :t"), {"t": str(other.id)}
                )
                await uow.commit()
    assert sorted(orders[0]) == ["Oak", "Red"]
    assert orders[0] == orders[1]


async def test_a_word_that_looks_scoped_matches_nothing_of_another_scope(
    platform: Platform,
) -> None:
    """Normalised text never holds ``_``: a title spelling another tenant's scoped word is
    two words of its own scope, and a query spelling one finds nothing foreign."""
    other = tenant_ref(
        await TenantService(platform).create(TenantCreate(slug="other", name="Other"))
    )
    mine = word_prefix(DEFAULT_TENANT_ID, "en")
    await write(platform, TENANT, product("Brass lamp", 1))
    await write(platform, other, product(f"{mine}brass {mine}zinc", 2, product_id=uuid.uuid4()))
    reads = storefront(platform).reads
    assert [hit.title for hit in await reads.search(TENANT, None, "brass")] == ["Brass lamp"]
    assert await reads.search(TENANT, None, "zinc") == []
    assert await reads.search(TENANT, "de", "brass") == []  # the tenant's other locale
    theirs = word_prefix(other.id, "en")
    assert await reads.search(TENANT, None, f"{theirs}brass") == []
    assert [h.title for h in await reads.search(other, None, f"{mine}brass")] == [
        f"{mine}brass {mine}zinc"
    ]
