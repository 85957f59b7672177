"""Assembling :class:`NodeRead` from rows and batch loads, in the read's locale."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

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


async def assemble(
    session: AsyncSession, rows: Sequence[NodeRow], chain: Sequence[str], *, with_body: bool
) -> list[NodeRead]:
    """NodeReads for ``rows``: 4 statements (5 with bodies) however many rows."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    translations = await queries.translations_by_node(session, ids)
    authors = await queries.authors_by_id(session, [r.author_id for r in rows if r.author_id])
    categories = await queries.category_names(
        session, [r.category_id for r in rows if r.category_id]
    )
    tags = await queries.tags_by_node(session, ids)
    bodies = await queries.bodies_by_node(session, ids) if with_body else {}
    return [
        to_node_read(
            row,
            chain,
            translations=translations.get(row.id, []),
            author=authors.get(row.author_id) if row.author_id else None,
            category=categories.get(row.category_id, []) if row.category_id else [],
            tags=list(tags.get(row.id, {}).values()),
            bodies=bodies.get(row.id, []) if with_body else None,
        )
        for row in rows
    ]


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
