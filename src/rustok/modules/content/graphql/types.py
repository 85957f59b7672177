"""GraphQL types of content. A ``ContentNode`` holds its row and the read's locale chain;
translations, body, author, category and tags come through this request's DataLoaders, so
a page of N nodes costs the same few queries as one node. Blog, forum and pages return
these types too (``content.interface``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

import strawberry
from strawberry.scalars import JSON

from rustok.modules.content.loaders import content_loaders
from rustok.modules.content.locales import pick
from rustok.modules.content.queries import NodeRow
from rustok.modules.content.reader import term_ref
from rustok.modules.content.schemas import TranslationRead
from rustok.web.connections import PageInfo, offset_edges, offset_page_info
from rustok.web.graphql import RustokInfo


@strawberry.type(name="ContentTranslation")
class TranslationType:
    locale: str
    title: str
    slug: str
    excerpt: str | None


@strawberry.type(name="ContentBody")
class BodyType:
    locale: str
    body: str
    format: str
    updated_at: dt.datetime


@strawberry.type(name="ContentAuthor")
class AuthorType:
    id: strawberry.ID
    name: str | None


@strawberry.type(name="ContentTerm")
class TermType:
    """A category or tag in the read's locale."""

    id: strawberry.ID
    name: str
    slug: str


@strawberry.type(name="ContentNode")
class NodeType:
    row: strawberry.Private[NodeRow]
    chain: strawberry.Private[list[str]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field
    def status(self) -> str:
        return self.row.status

    @strawberry.field
    def parent_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self.row.parent_id)) if self.row.parent_id else None

    @strawberry.field
    def position(self) -> int:
        return self.row.position

    @strawberry.field
    def depth(self) -> int:
        return self.row.depth

    @strawberry.field
    def reply_count(self) -> int:
        return self.row.reply_count

    @strawberry.field
    def metadata(self) -> JSON:
        return cast(JSON, self.row.metadata)

    @strawberry.field
    def created_at(self) -> dt.datetime:
        return self.row.created_at

    @strawberry.field
    def updated_at(self) -> dt.datetime:
        return self.row.updated_at

    @strawberry.field
    def published_at(self) -> dt.datetime | None:
        return self.row.published_at

    async def _shown(self, info: RustokInfo) -> TranslationRead:
        translations = await content_loaders(info.context).translations.load(self.row.id)
        shown = pick(translations, self.chain, lambda t: t.locale)
        if shown is None:
            raise LookupError(f"node {self.row.id} has no translation")
        return shown

    @strawberry.field(description="The locale of the translation shown (after fallback).")
    async def locale(self, info: RustokInfo) -> str:
        return (await self._shown(info)).locale

    @strawberry.field
    async def title(self, info: RustokInfo) -> str:
        return (await self._shown(info)).title

    @strawberry.field
    async def slug(self, info: RustokInfo) -> str:
        return (await self._shown(info)).slug

    @strawberry.field
    async def excerpt(self, info: RustokInfo) -> str | None:
        return (await self._shown(info)).excerpt

    @strawberry.field
    async def translations(self, info: RustokInfo) -> list[TranslationType]:
        rows = await content_loaders(info.context).translations.load(self.row.id)
        return [
            TranslationType(locale=t.locale, title=t.title, slug=t.slug, excerpt=t.excerpt)
            for t in rows
        ]

    @strawberry.field(description="The body in the shown locale (or the given one).")
    async def body(self, info: RustokInfo, locale: str | None = None) -> BodyType | None:
        bodies = await content_loaders(info.context).bodies.load(self.row.id)
        order = [locale] if locale else [(await self._shown(info)).locale, *self.chain]
        found = pick(bodies, order, lambda b: b.locale)
        if found is None or (locale and found.locale != locale):
            return None
        return BodyType(
            locale=found.locale, body=found.body, format=found.format, updated_at=found.updated_at
        )

    @strawberry.field
    async def author(self, info: RustokInfo) -> AuthorType | None:
        if self.row.author_id is None:
            return None
        author = await content_loaders(info.context).authors.load(self.row.author_id)
        return (
            None
            if author is None
            else AuthorType(id=strawberry.ID(str(author.id)), name=author.name)
        )

    @strawberry.field
    async def category(self, info: RustokInfo) -> TermType | None:
        if self.row.category_id is None:
            return None
        names = await content_loaders(info.context).categories.load(self.row.category_id)
        ref = term_ref(names, self.chain)
        return (
            None
            if ref is None
            else TermType(id=strawberry.ID(str(ref.id)), name=ref.name, slug=ref.slug)
        )

    @strawberry.field
    async def tags(self, info: RustokInfo) -> list[TermType]:
        tags = await content_loaders(info.context).tags.load(self.row.id)
        refs = (term_ref(names, self.chain) for names in tags)
        return [TermType(id=strawberry.ID(str(r.id)), name=r.name, slug=r.slug) for r in refs if r]


@strawberry.type(name="ContentNodeEdge")
class NodeEdge:
    cursor: str
    node: NodeType


@strawberry.type(name="ContentNodeConnection")
class NodeConnection:
    edges: list[NodeEdge]
    page_info: PageInfo
    total_count: int


def connection(rows: Sequence[NodeRow], chain: list[str], start: int, total: int) -> NodeConnection:
    edges = [
        NodeEdge(cursor=cursor, node=NodeType(row=row, chain=chain))
        for cursor, row in offset_edges(rows, start)
    ]
    return NodeConnection(
        edges=edges, page_info=offset_page_info(start, len(rows), total), total_count=total
    )
