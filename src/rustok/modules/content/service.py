"""``NodeService``: what the REST routes and GraphQL resolvers of content call.

Each write is one unit of work (rows + events, committed together) followed by a read of the
result as the caller sees it. Kinds that another module manages (a
:class:`ManagedContentKinds` in its ``ModuleSpec.contributions``, e.g. forum topics with their
counters) are refused here: they change only through that module, which uses
:class:`NodeWriter` directly via ``content.interface``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.content.access import ContentAccess
from rustok.modules.content.errors import SlugTaken
from rustok.modules.content.queries import NodeFilter
from rustok.modules.content.reader import NodeReader
from rustok.modules.content.schemas import NodeCreate, NodePage, NodeRead, NodeUpdate
from rustok.modules.content.state import NodeAction
from rustok.modules.content.writer import NodeWriter


@dataclass(frozen=True, slots=True)
class ManagedContentKinds:
    """Content's extension point: node kinds a module manages itself (its counters, its
    validated bodies), which the generic content API must not write."""

    kinds: tuple[str, ...]


def managed_kinds(platform: Platform) -> frozenset[str]:
    """Node kinds that installed modules manage themselves."""
    declared = platform.modules.contributions(ManagedContentKinds)
    return frozenset(kind for each in declared for kind in each.kinds)


async def commit(uow: UnitOfWork) -> None:
    """Commit; a unique slug lost to a concurrent writer becomes 409 instead of 500."""
    try:
        await uow.commit()
    except IntegrityError as exc:
        raise SlugTaken("a slug was taken meanwhile; try again") from exc


class NodeService:
    """Content nodes as seen and changed by one caller."""

    def __init__(self, platform: Platform, access: ContentAccess) -> None:
        self._platform = platform
        self.access = access
        self.reader = NodeReader(platform.db)
        self.writer = NodeWriter(refuse_kinds=managed_kinds(platform))

    async def list(
        self, flt: NodeFilter, chain: Sequence[str], *, page: int, per_page: int
    ) -> NodePage:
        return await self.reader.page(self.access, flt, chain, page=page, per_page=per_page)

    async def get(self, node_id: uuid.UUID, chain: Sequence[str]) -> NodeRead:
        return await self.reader.get(self.access, node_id, chain)

    async def by_slug(self, kind: str, slug: str, chain: Sequence[str]) -> NodeRead:
        return await self.reader.by_slug(self.access, kind, slug, chain)

    async def create_node(self, data: NodeCreate) -> uuid.UUID:
        async with self._platform.uow() as uow:
            node_id = await self.writer.create(uow, self.access, data)
            await commit(uow)
        return node_id

    async def update_node(self, node_id: uuid.UUID, data: NodeUpdate) -> None:
        async with self._platform.uow() as uow:
            await self.writer.update(uow, self.access, node_id, data)
            await commit(uow)

    async def transition_node(self, node_id: uuid.UUID, action: NodeAction) -> None:
        async with self._platform.uow() as uow:
            await self.writer.transition(uow, self.access, node_id, action)
            await commit(uow)

    async def delete(self, node_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            await self.writer.delete(uow, self.access, node_id)
            await commit(uow)

    # The REST shape: the write, then the node as the caller now reads it.

    async def create(self, data: NodeCreate, chain: Sequence[str]) -> NodeRead:
        return await self.get(await self.create_node(data), chain)

    async def update(self, node_id: uuid.UUID, data: NodeUpdate, chain: Sequence[str]) -> NodeRead:
        await self.update_node(node_id, data)
        return await self.get(node_id, chain)

    async def transition(
        self, node_id: uuid.UUID, action: NodeAction, chain: Sequence[str]
    ) -> NodeRead:
        await self.transition_node(node_id, action)
        return await self.get(node_id, chain)
