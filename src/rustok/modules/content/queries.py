"""The read side of nodes: visible rows, and batch loads of what a node shows.

A list costs a fixed number of statements whatever its length: count, page of rows, then
one ``IN`` query each for translations, authors, category names and tags (the DataLoaders
of ``loaders.py`` run the same batch functions). Rows never leave as ORM objects.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.auth.models import User
from rustok.modules.content.access import DEFAULT_RESOURCE, KIND_RESOURCES, ContentAccess
from rustok.modules.content.errors import NodeNotFound
from rustok.modules.content.models import (
    Body,
    CategoryTranslation,
    Node,
    NodeTag,
    NodeTranslation,
    TagTranslation,
)
from rustok.modules.content.schemas import AuthorRead, BodyRead, TranslationRead

NodeSort = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "published_at",
    "-published_at",
    "position",
    "-position",
]


class NodeRow(msgspec.Struct, frozen=True, kw_only=True):
    """A node's own columns."""

    id: uuid.UUID
    kind: str
    status: str
    parent_id: uuid.UUID | None
    author_id: uuid.UUID | None
    category_id: uuid.UUID | None
    position: int
    depth: int
    reply_count: int
    metadata: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    archived_at: dt.datetime | None


class TermName(msgspec.Struct, frozen=True, kw_only=True):
    """One locale of a category or tag."""

    id: uuid.UUID
    locale: str
    name: str
    slug: str


def node_row(node: Node) -> NodeRow:
    return NodeRow(
        id=node.id,
        kind=node.kind,
        status=node.status,
        parent_id=node.parent_id,
        author_id=node.author_id,
        category_id=node.category_id,
        position=node.position,
        depth=node.depth,
        reply_count=node.reply_count,
        metadata=dict(node.meta or {}),
        created_at=node.created_at,
        updated_at=node.updated_at,
        published_at=node.published_at,
        archived_at=node.archived_at,
    )


@dataclass(frozen=True, slots=True)
class NodeFilter:
    kind: str | None = None
    kinds: tuple[str, ...] | None = None
    status: str | None = None
    author_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    tag: str | None = None
    sort: NodeSort = "-created_at"


def visible_to(access: ContentAccess) -> ColumnElement[bool]:
    """Published nodes, plus the unpublished ones ``access`` may see (see access.py)."""
    clauses: list[ColumnElement[bool]] = [Node.status == "published"]
    if access.principal is not None:
        clauses.append(Node.author_id == access.principal.user_id)
        editable = [k for k, r in KIND_RESOURCES.items() if access.editor_of(r)]
        if editable:
            clauses.append(Node.kind.in_(editable))
        if access.editor_of(DEFAULT_RESOURCE):
            clauses.append(Node.kind.not_in(list(KIND_RESOURCES)))
    return or_(*clauses)


def _tag_condition(tag: str) -> ColumnElement[bool]:
    try:
        tag_id = uuid.UUID(tag)
    except ValueError:
        tagged = select(NodeTag.node_id).join(
            TagTranslation, TagTranslation.tag_id == NodeTag.tag_id
        )
        return Node.id.in_(tagged.where(TagTranslation.slug == tag))
    return Node.id.in_(select(NodeTag.node_id).where(NodeTag.tag_id == tag_id))


def _conditions(access: ContentAccess, flt: NodeFilter) -> list[ColumnElement[bool]]:
    conditions = [visible_to(access)]
    columns: dict[str, Any] = {
        "kind": Node.kind,
        "status": Node.status,
        "author_id": Node.author_id,
        "category_id": Node.category_id,
        "parent_id": Node.parent_id,
    }
    for name, column in columns.items():
        value = getattr(flt, name)
        if value is not None:
            conditions.append(column == value)
    if flt.kinds is not None:
        conditions.append(Node.kind.in_(flt.kinds) if flt.kinds else false())
    if flt.tag is not None:
        conditions.append(_tag_condition(flt.tag))
    return conditions


def _ordered(statement: Select[tuple[Node]], sort: NodeSort) -> Select[tuple[Node]]:
    column = getattr(Node, sort.lstrip("-"))
    if sort.startswith("-"):
        return statement.order_by(column.desc(), Node.id.desc())
    return statement.order_by(column.asc(), Node.id.asc())


async def node_page(
    session: AsyncSession, access: ContentAccess, flt: NodeFilter, *, offset: int, limit: int
) -> tuple[list[NodeRow], int]:
    """One page of visible nodes and the total matching (2 statements)."""
    conditions = _conditions(access, flt)
    total = await session.scalar(select(func.count()).select_from(Node).where(*conditions))
    rows = await session.scalars(
        _ordered(select(Node).where(*conditions), flt.sort).offset(offset).limit(limit)
    )
    return [node_row(n) for n in rows], int(total or 0)


async def visible_node(session: AsyncSession, access: ContentAccess, node_id: uuid.UUID) -> NodeRow:
    node = await session.scalar(select(Node).where(Node.id == node_id, visible_to(access)))
    if node is None:
        raise NodeNotFound(f"no content node {node_id}")
    return node_row(node)


async def visible_nodes(
    session: AsyncSession, access: ContentAccess, node_ids: Sequence[uuid.UUID]
) -> list[NodeRow]:
    rows = await session.scalars(select(Node).where(Node.id.in_(set(node_ids)), visible_to(access)))
    return [node_row(n) for n in rows]


async def node_by_slug(
    session: AsyncSession, access: ContentAccess, kind: str, slug: str, chain: Sequence[str]
) -> NodeRow:
    """The visible node of ``kind`` whose slug in the first possible locale of ``chain`` is
    ``slug`` (any other locale's slug as a last resort)."""
    matches = await session.execute(
        select(Node, NodeTranslation.locale)
        .join(NodeTranslation, NodeTranslation.node_id == Node.id)
        .where(NodeTranslation.kind == kind, NodeTranslation.slug == slug, visible_to(access))
    )
    rank = {locale: i for i, locale in enumerate(chain)}
    found = sorted(matches.tuples(), key=lambda m: (rank.get(m[1], len(rank)), m[1]))
    if not found:
        raise NodeNotFound(f"no {kind} with slug {slug!r}")
    return node_row(found[0][0])


# --- batch loads (also behind the GraphQL DataLoaders) ---------------------------------


async def translations_by_node(
    session: AsyncSession, node_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[TranslationRead]]:
    found: dict[uuid.UUID, list[TranslationRead]] = defaultdict(list)
    rows = await session.scalars(
        select(NodeTranslation)
        .where(NodeTranslation.node_id.in_(set(node_ids)))
        .order_by(NodeTranslation.locale)
    )
    for row in rows:
        found[row.node_id].append(
            TranslationRead(locale=row.locale, title=row.title, slug=row.slug, excerpt=row.excerpt)
        )
    return found


async def bodies_by_node(
    session: AsyncSession, node_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[BodyRead]]:
    found: dict[uuid.UUID, list[BodyRead]] = defaultdict(list)
    rows = await session.scalars(
        select(Body).where(Body.node_id.in_(set(node_ids))).order_by(Body.locale)
    )
    for row in rows:
        found[row.node_id].append(
            BodyRead(locale=row.locale, body=row.body, format=row.format, updated_at=row.updated_at)
        )
    return found


async def authors_by_id(
    session: AsyncSession, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, AuthorRead]:
    rows = await session.execute(select(User.id, User.name).where(User.id.in_(set(user_ids))))
    return {user_id: AuthorRead(id=user_id, name=name) for user_id, name in rows.tuples()}


async def category_names(
    session: AsyncSession, category_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[TermName]]:
    found: dict[uuid.UUID, list[TermName]] = defaultdict(list)
    rows = await session.scalars(
        select(CategoryTranslation).where(CategoryTranslation.category_id.in_(set(category_ids)))
    )
    for row in rows:
        found[row.category_id].append(
            TermName(id=row.category_id, locale=row.locale, name=row.name, slug=row.slug)
        )
    return found


async def tags_by_node(
    session: AsyncSession, node_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[uuid.UUID, list[TermName]]]:
    """node id → tag id → the tag's names per locale (tags in the order they were added)."""
    found: dict[uuid.UUID, dict[uuid.UUID, list[TermName]]] = defaultdict(dict)
    rows = await session.execute(
        select(NodeTag.node_id, TagTranslation)
        .join(TagTranslation, TagTranslation.tag_id == NodeTag.tag_id)
        .where(NodeTag.node_id.in_(set(node_ids)))
        .order_by(NodeTag.created_at, NodeTag.tag_id)
    )
    for node_id, name in rows.tuples():
        found[node_id].setdefault(name.tag_id, []).append(
            TermName(id=name.tag_id, locale=name.locale, name=name.name, slug=name.slug)
        )
    return found
