"""Assembling :class:`NodeRead` from rows and batch loads, in the read's locale."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import Database
from rustok.modules.content import queries
from rustok.modules.content.access import ContentAccess
from rustok.modules.content.locales import pick
from rustok.modules.content.queries import NodeFilter, NodeRow, TermName
from rustok.modules.content.schemas import (
    AuthorRead,
    BodyRead,
    NodePage,
    NodeRead,
    TermRef,
    TranslationRead,
)


def term_ref(names: Sequence[TermName], chain: Sequence[str]) -> TermRef | None:
    chosen = pick(names, chain, lambda n: n.locale)
    return None if chosen is None else TermRef(id=chosen.id, name=chosen.name, slug=chosen.slug)


def to_node_read(
    row: NodeRow,
    chain: Sequence[str],
    *,
    translations: Sequence[TranslationRead],
    author: AuthorRead | None,
    category: Sequence[TermName],
    tags: Sequence[Sequence[TermName]],
    bodies: Sequence[BodyRead] | None,
) -> NodeRead:
    shown = pick(translations, chain, lambda t: t.locale)
    if shown is None:  # every node has a translation; an orphan row is a bug
        raise LookupError(f"node {row.id} has no translation")
    body = pick(bodies, [shown.locale, *chain], lambda b: b.locale) if bodies else None
    return NodeRead(
        id=row.id,
        kind=row.kind,
        status=row.status,
        locale=shown.locale,
        title=shown.title,
        slug=shown.slug,
        excerpt=shown.excerpt,
        parent_id=row.parent_id,
        author_id=row.author_id,
        author=author,
        category_id=row.category_id,
        category=term_ref(category, chain),
        tags=[t for t in (term_ref(names, chain) for names in tags) if t is not None],
        position=row.position,
        depth=row.depth,
        reply_count=row.reply_count,
        metadata=row.metadata,
        translations=list(translations),
        body=body,
        created_at=row.created_at,
        updated_at=row.updated_at,
        published_at=row.published_at,
        archived_at=row.archived_at,
    )


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What rows' reads need besides the rows, loaded in a fixed number of statements."""

    translations: dict[uuid.UUID, list[TranslationRead]]
    authors: dict[uuid.UUID, AuthorRead]
    categories: dict[uuid.UUID, list[TermName]]
    tags: dict[uuid.UUID, dict[uuid.UUID, list[TermName]]]
    bodies: dict[uuid.UUID, list[BodyRead]] | None

    def read(self, row: NodeRow, chain: Sequence[str]) -> NodeRead:
        return to_node_read(
            row,
            chain,
            translations=self.translations.get(row.id, []),
            author=self.authors.get(row.author_id) if row.author_id else None,
            category=self.categories.get(row.category_id, []) if row.category_id else [],
            tags=list(self.tags.get(row.id, {}).values()),
            bodies=None if self.bodies is None else self.bodies.get(row.id, []),
        )


async def _load(session: AsyncSession, rows: Sequence[NodeRow], *, with_body: bool) -> _Loaded:
    ids = [r.id for r in rows]
    return _Loaded(
        translations=await queries.translations_by_node(session, ids),
        authors=await queries.authors_by_id(session, [r.author_id for r in rows if r.author_id]),
        categories=await queries.category_names(
            session, [r.category_id for r in rows if r.category_id]
        ),
        tags=await queries.tags_by_node(session, ids),
        bodies=await queries.bodies_by_node(session, ids) if with_body else None,
    )


async def assemble(
    session: AsyncSession, rows: Sequence[NodeRow], chain: Sequence[str], *, with_body: bool
) -> list[NodeRead]:
    """NodeReads for ``rows``: 4 statements (5 with bodies) however many rows."""
    if not rows:
        return []
    loaded = await _load(session, rows, with_body=with_body)
    return [loaded.read(row, chain) for row in rows]


async def published_in_locales(
    session: AsyncSession, node_ids: Sequence[uuid.UUID], chains: Mapping[str, Sequence[str]]
) -> dict[uuid.UUID, dict[str, NodeRead]]:
    """The published ones of ``node_ids``, with bodies, as each locale of ``chains`` shows
    them (locale -> its fallback chain), read in ``session``: 6 statements in all.

    For projections (the index module): a node missing from the answer is not published
    any more, or gone.
    """
    if not node_ids:
        return {}
    rows = await queries.visible_nodes(session, ContentAccess(), node_ids)
    if not rows:
        return {}
    loaded = await _load(session, rows, with_body=True)
    return {
        row.id: {locale: loaded.read(row, chain) for locale, chain in chains.items()}
        for row in rows
    }


async def nodes_with_term(
    session: AsyncSession, *, category_id: uuid.UUID | None = None, tag_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """Ids of the nodes filed under a category or carrying a tag (to re-project them)."""
    return await queries.node_ids_with_term(session, category_id=category_id, tag_id=tag_id)


async def published_node_ids(session: AsyncSession) -> list[uuid.UUID]:
    """Ids of every published node of the tenant (what a rebuild of the listings reads)."""
    return await queries.published_node_ids(session)


class NodeReader:
    """Reads of visible nodes, each in one read session."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def page(
        self,
        access: ContentAccess,
        flt: NodeFilter,
        chain: Sequence[str],
        *,
        page: int = 1,
        per_page: int = 20,
    ) -> NodePage:
        async with self._db.read_session() as session:
            rows, total = await queries.node_page(
                session, access, flt, offset=(page - 1) * per_page, limit=per_page
            )
            items = await assemble(session, rows, chain, with_body=False)
        return NodePage(items=items, page=page, per_page=per_page, total=total)

    async def get(
        self, access: ContentAccess, node_id: uuid.UUID, chain: Sequence[str]
    ) -> NodeRead:
        async with self._db.read_session() as session:
            row = await queries.visible_node(session, access, node_id)
            return (await assemble(session, [row], chain, with_body=True))[0]

    async def by_slug(
        self, access: ContentAccess, kind: str, slug: str, chain: Sequence[str]
    ) -> NodeRead:
        async with self._db.read_session() as session:
            row = await queries.node_by_slug(session, access, kind, slug, chain)
            return (await assemble(session, [row], chain, with_body=True))[0]

    async def many(
        self,
        access: ContentAccess,
        node_ids: Sequence[uuid.UUID],
        chain: Sequence[str],
        *,
        with_body: bool = False,
    ) -> list[NodeRead]:
        """The visible ones of ``node_ids``, in that order (a fixed number of statements)."""
        if not node_ids:
            return []
        async with self._db.read_session() as session:
            rows = await queries.visible_nodes(session, access, node_ids)
            reads = await assemble(session, rows, chain, with_body=with_body)
        by_id = {read.id: read for read in reads}
        return [by_id[node_id] for node_id in node_ids if node_id in by_id]

    async def row_page(
        self, access: ContentAccess, flt: NodeFilter, *, offset: int, limit: int
    ) -> tuple[list[NodeRow], int]:
        """Rows only (GraphQL resolves the rest through DataLoaders)."""
        async with self._db.read_session() as session:
            return await queries.node_page(session, access, flt, offset=offset, limit=limit)

    async def row(self, access: ContentAccess, node_id: uuid.UUID) -> NodeRow:
        async with self._db.read_session() as session:
            return await queries.visible_node(session, access, node_id)

    async def row_by_slug(
        self, access: ContentAccess, kind: str, slug: str, chain: Sequence[str]
    ) -> NodeRow:
        async with self._db.read_session() as session:
            return await queries.node_by_slug(session, access, kind, slug, chain)
