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
from rustok.core.db.text_match import contains_text
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


# Reads select these columns rather than entities (no identity map for read-only rows).
NODE_COLUMNS = (
    Node.id, Node.kind, Node.status, Node.parent_id, Node.author_id, Node.category_id,
    Node.position, Node.depth, Node.reply_count, Node.meta, Node.created_at, Node.updated_at,
    Node.published_at, Node.archived_at,
)  # fmt: skip
_ROW_FIELDS = NodeRow.__struct_fields__


def _row(values: Sequence[Any]) -> NodeRow:
    fields = dict(zip(_ROW_FIELDS, values, strict=True))
    fields["metadata"] = dict(fields["metadata"] or {})
    return NodeRow(**fields)


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
    # Has a translation in this locale; a title in any locale contains ``q`` (any case).
    locale: str | None = None
    q: str | None = None


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
    if flt.locale is not None:
        translated = select(NodeTranslation.node_id).where(NodeTranslation.locale == flt.locale)
        conditions.append(Node.id.in_(translated))
    if flt.q is not None:
        conditions.append(Node.id.in_(_title_search(flt.q)))
    return conditions


def _title_search(q: str) -> Select[Any]:
    """Nodes with a title containing ``q``, case-insensitive; ``%`` and ``_`` match themselves."""
    return select(NodeTranslation.node_id).where(contains_text(NodeTranslation.title, q))


def _ordered(statement: Select[Any], sort: NodeSort) -> Select[Any]:
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
    rows = await session.execute(
        _ordered(select(*NODE_COLUMNS).where(*conditions), flt.sort).offset(offset).limit(limit)
    )
    return [_row(r) for r in rows.tuples()], int(total or 0)


async def visible_node(session: AsyncSession, access: ContentAccess, node_id: uuid.UUID) -> NodeRow:
    found = await session.execute(
        select(*NODE_COLUMNS).where(Node.id == node_id, visible_to(access))
    )
    row = found.first()
    if row is None:
        raise NodeNotFound(f"no content node {node_id}")
    return _row(row)


async def visible_nodes(
    session: AsyncSession, access: ContentAccess, node_ids: Sequence[uuid.UUID]
) -> list[NodeRow]:
    rows = await session.execute(
        select(*NODE_COLUMNS).where(Node.id.in_(set(node_ids)), visible_to(access))
    )
    return [_row(r) for r in rows.tuples()]


async def node_by_slug(
    session: AsyncSession, access: ContentAccess, kind: str, slug: str, chain: Sequence[str]
) -> NodeRow:
    """The visible node of ``kind`` whose slug in the first possible locale of ``chain`` is
    ``slug`` (any other locale's slug as a last resort)."""
    matches = await session.execute(
        select(*NODE_COLUMNS, NodeTranslation.locale)
        .join(NodeTranslation, NodeTranslation.node_id == Node.id)
        .where(NodeTranslation.kind == kind, NodeTranslation.slug == slug, visible_to(access))
    )
    rank = {locale: i for i, locale in enumerate(chain)}
    found = sorted(matches.tuples(), key=lambda m: (rank.get(m[-1], len(rank)), m[-1]))
    if not found:
        raise NodeNotFound(f"no {kind} with slug {slug!r}")
    return _row(found[0][:-1])


# --- batch loads (also behind the GraphQL DataLoaders) ---------------------------------


async def translations_by_node(
    session: AsyncSession, node_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[TranslationRead]]:
    # Columns, not entities: no identity map work for rows that are only read.
    found: dict[uuid.UUID, list[TranslationRead]] = defaultdict(list)
    rows = await session.execute(
        select(
            NodeTranslation.node_id, NodeTranslation.locale, NodeTranslation.title,
            NodeTranslation.slug, NodeTranslation.excerpt,
        )
        .where(NodeTranslation.node_id.in_(set(node_ids)))
        .order_by(NodeTranslation.locale)
    )  # fmt: skip
    for node_id, locale, title, slug, excerpt in rows.tuples():
        found[node_id].append(
            TranslationRead(locale=locale, title=title, slug=slug, excerpt=excerpt)
        )
    return found


async def bodies_by_node(
    session: AsyncSession, node_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[BodyRead]]:
    found: dict[uuid.UUID, list[BodyRead]] = defaultdict(list)
    rows = await session.execute(
        select(Body.node_id, Body.locale, Body.body, Body.format, Body.updated_at)
        .where(Body.node_id.in_(set(node_ids)))
        .order_by(Body.locale)
    )
    for node_id, locale, body, text_format, updated_at in rows.tuples():
        found[node_id].append(
            BodyRead(locale=locale, body=body, format=text_format, updated_at=updated_at)
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
    rows = await session.execute(
        select(
            CategoryTranslation.category_id, CategoryTranslation.locale,
            CategoryTranslation.name, CategoryTranslation.slug,
        ).where(CategoryTranslation.category_id.in_(set(category_ids)))
    )  # fmt: skip
    for category_id, locale, name, slug in rows.tuples():
        found[category_id].append(TermName(id=category_id, locale=locale, name=name, slug=slug))
    return found


async def tags_by_node(
    session: AsyncSession, node_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[uuid.UUID, list[TermName]]]:
    """node id → tag id → the tag's names per locale (tags in the order they were added)."""
    found: dict[uuid.UUID, dict[uuid.UUID, list[TermName]]] = defaultdict(dict)
    rows = await session.execute(
        select(
            NodeTag.node_id, TagTranslation.tag_id, TagTranslation.locale, TagTranslation.name,
            TagTranslation.slug,
        )
        .join(TagTranslation, TagTranslation.tag_id == NodeTag.tag_id)
        .where(NodeTag.node_id.in_(set(node_ids)))
        .order_by(NodeTag.created_at, NodeTag.tag_id)
    )  # fmt: skip
    for node_id, tag_id, locale, name, slug in rows.tuples():
        found[node_id].setdefault(tag_id, []).append(
            TermName(id=tag_id, locale=locale, name=name, slug=slug)
        )
    return found


async def node_ids_with_term(
    session: AsyncSession, *, category_id: uuid.UUID | None = None, tag_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    if category_id is not None:
        statement = select(Node.id).where(Node.category_id == category_id)
    elif tag_id is not None:
        statement = select(NodeTag.node_id).where(NodeTag.tag_id == tag_id)
    else:
        raise ValueError("a category or a tag is needed")
    return list(await session.scalars(statement))


async def published_node_ids(session: AsyncSession) -> list[uuid.UUID]:
    return list(await session.scalars(select(Node.id).where(Node.status == "published")))
