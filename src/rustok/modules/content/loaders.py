"""GraphQL DataLoaders for what a node shows: one batched query per kind of thing per
request, whatever the number of nodes (API-2). They run the batch functions of
``queries.py`` that REST lists use too, and live per request in ``info.context.loaders``."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from rustok.core.db import Database
from rustok.modules.content import queries
from rustok.modules.content.access import ContentAccess
from rustok.modules.content.queries import NodeRow, TermName
from rustok.modules.content.schemas import AuthorRead, BodyRead, TranslationRead
from rustok.web.graphql import GraphQLContext
from rustok.web.principals import principal_of

K = TypeVar("K")
V = TypeVar("V")
LOADERS_KEY = "content"


class _BatchLoader(DataLoader[K, V]):
    """Loads many keys with one batch function in one read session."""

    def __init__(
        self,
        db: Database,
        batch: Callable[[AsyncSession, Sequence[K]], Awaitable[dict[K, Any]]],
        missing: Callable[[], V],
    ) -> None:
        async def load(keys: list[K]) -> list[V]:
            async with db.read_session() as session:
                found = await batch(session, keys)
            return [found[k] if k in found else missing() for k in keys]

        super().__init__(load_fn=load)


class TranslationsByNodeIdLoader(_BatchLoader[uuid.UUID, list[TranslationRead]]):
    def __init__(self, db: Database) -> None:
        super().__init__(db, queries.translations_by_node, list)


class BodiesByNodeIdLoader(_BatchLoader[uuid.UUID, list[BodyRead]]):
    def __init__(self, db: Database) -> None:
        super().__init__(db, queries.bodies_by_node, list)


class AuthorsByIdLoader(_BatchLoader[uuid.UUID, AuthorRead | None]):
    def __init__(self, db: Database) -> None:
        super().__init__(db, queries.authors_by_id, lambda: None)


class CategoryNamesByIdLoader(_BatchLoader[uuid.UUID, list[TermName]]):
    def __init__(self, db: Database) -> None:
        super().__init__(db, queries.category_names, list)


class TagsByNodeIdLoader(_BatchLoader[uuid.UUID, list[list[TermName]]]):
    def __init__(self, db: Database) -> None:
        async def batch(
            session: AsyncSession, keys: Sequence[uuid.UUID]
        ) -> dict[uuid.UUID, list[list[TermName]]]:
            found = await queries.tags_by_node(session, keys)
            return {node_id: list(tags.values()) for node_id, tags in found.items()}

        super().__init__(db, batch, list)


class NodesByIdLoader(_BatchLoader[uuid.UUID, NodeRow | None]):
    """Node rows the caller may see (None for the others)."""

    def __init__(self, db: Database, access: ContentAccess) -> None:
        async def batch(
            session: AsyncSession, keys: Sequence[uuid.UUID]
        ) -> dict[uuid.UUID, NodeRow]:
            return {row.id: row for row in await queries.visible_nodes(session, access, keys)}

        super().__init__(db, batch, lambda: None)


@dataclass(frozen=True, slots=True)
class ContentLoaders:
    nodes: NodesByIdLoader
    translations: TranslationsByNodeIdLoader
    bodies: BodiesByNodeIdLoader
    authors: AuthorsByIdLoader
    categories: CategoryNamesByIdLoader
    tags: TagsByNodeIdLoader


def content_loaders(context: GraphQLContext) -> ContentLoaders:
    """This request's content loaders, created on first use."""
    found = context.loaders.get(LOADERS_KEY)
    if isinstance(found, ContentLoaders):
        return found
    db = context.platform.db
    request = context.request
    access = ContentAccess(principal_of(request) if request is not None else None)
    made = ContentLoaders(
        nodes=NodesByIdLoader(db, access),
        translations=TranslationsByNodeIdLoader(db),
        bodies=BodiesByNodeIdLoader(db),
        authors=AuthorsByIdLoader(db),
        categories=CategoryNamesByIdLoader(db),
        tags=TagsByNodeIdLoader(db),
    )
    context.loaders[LOADERS_KEY] = made
    return made
