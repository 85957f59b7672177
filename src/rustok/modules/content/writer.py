"""Node writes inside the caller's unit of work (routes commit; blog, forum and pages compose
several writes in one transaction through ``content.interface``).

Every write checks the caller's scope (access.py), changes rows and raises its events
through the unit of work; nothing here commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec
from sqlalchemy import case, delete, func, select, update

from rustok.core.db import utcnow
from rustok.core.errors import InvalidTransition, ValidationFailed
from rustok.core.uow import UnitOfWork
from rustok.core.validation import check_json_value
from rustok.modules.content import hierarchy
from rustok.modules.content.access import ContentAccess
from rustok.modules.content.errors import (
    ManagedKind,
    NodeHasChildren,
    NodeNotFound,
    UnknownReference,
)
from rustok.modules.content.events import (
    NodeArchived,
    NodeCreated,
    NodeDeleted,
    NodePublished,
    NodeRestored,
    NodeUnpublished,
    NodeUpdated,
)
from rustok.modules.content.metrics import count_published_on_commit
from rustok.modules.content.models import Category, Node
from rustok.modules.content.queries import NodeRow, node_row, visible_to
from rustok.modules.content.schemas import (
    MAX_METADATA_BYTES,
    MAX_METADATA_DEPTH,
    NodeCreate,
    NodeUpdate,
)
from rustok.modules.content.state import NodeAction, NodeState, apply, load_node_state, timestamps
from rustok.modules.content.taxonomy.tagging import set_node_tags
from rustok.modules.content.translations import (
    add_translations,
    patch_translations,
    remove_translations,
)

_TRANSITION_EVENTS = {
    "publish": NodePublished,
    "unpublish": NodeUnpublished,
    "archive": NodeArchived,
    "restore": NodeRestored,
}


def _check_metadata(metadata: dict[str, object]) -> None:
    check_json_value(
        "metadata", metadata, max_bytes=MAX_METADATA_BYTES, max_depth=MAX_METADATA_DEPTH
    )


async def _check_category(uow: UnitOfWork, category_id: uuid.UUID | None) -> None:
    if category_id is None:
        return
    if await uow.session.scalar(select(Category.id).where(Category.id == category_id)) is None:
        raise UnknownReference(errors={"category_id": [f"no category {category_id}"]})


class NodeWriter:
    """Creates, changes, transitions and deletes nodes in a given unit of work.

    ``refuse_kinds``: kinds this writer must not touch (the generic routes refuse the kinds
    other modules manage).
    """

    def __init__(self, *, refuse_kinds: frozenset[str] = frozenset()) -> None:
        self._refuse_kinds = refuse_kinds

    async def load(
        self, uow: UnitOfWork, access: ContentAccess, node_id: uuid.UUID, *, for_update: bool
    ) -> Node:
        """The node if ``access`` may see it (404 otherwise), row-locked on PostgreSQL."""
        statement = select(Node).where(Node.id == node_id, visible_to(access))
        if for_update:
            statement = statement.with_for_update()
        node = await uow.session.scalar(statement)
        if node is None:
            raise NodeNotFound(f"no content node {node_id}")
        if node.kind in self._refuse_kinds:
            raise ManagedKind(f"{node.kind} nodes change only through their own module's API")
        return node

    async def row(self, uow: UnitOfWork, access: ContentAccess, node_id: uuid.UUID) -> NodeRow:
        return node_row(await self.load(uow, access, node_id, for_update=False))

    async def create(self, uow: UnitOfWork, access: ContentAccess, data: NodeCreate) -> uuid.UUID:
        if data.kind in self._refuse_kinds:
            message = f"{data.kind} nodes are created through their own module's API"
            raise ValidationFailed(errors={"kind": [message]})
        access.require(data.kind, "create", access.user_id)
        _check_metadata(data.metadata)
        await _check_category(uow, data.category_id)
        depth = await hierarchy.depth_under(uow, access, data.parent_id)
        node = Node(
            kind=data.kind,
            status="draft",
            parent_id=data.parent_id,
            author_id=access.user_id,
            category_id=data.category_id,
            position=data.position,
            depth=depth,
            meta=dict(data.metadata),
        )
        uow.session.add(node)
        await uow.session.flush()
        await add_translations(uow.session, node, data.translations)
        uow.publish(NodeCreated(node_id=node.id, kind=node.kind, author_id=node.author_id))
        await set_node_tags(uow, node.id, data.tag_ids)
        if data.status == "published":
            await self.transition(uow, access, node.id, "publish")
        return node.id

    async def update(
        self, uow: UnitOfWork, access: ContentAccess, node_id: uuid.UUID, data: NodeUpdate
    ) -> None:
        node = await self.load(uow, access, node_id, for_update=True)
        access.require(node.kind, "update", node.author_id)
        changed = False
        if not isinstance(data.parent_id, msgspec.UnsetType) and data.parent_id != node.parent_id:
            await hierarchy.move(uow, access, node, data.parent_id)
            changed = True
        if not isinstance(data.category_id, msgspec.UnsetType):
            await _check_category(uow, data.category_id)
            changed |= node.category_id != data.category_id
            node.category_id = data.category_id
        if not isinstance(data.position, msgspec.UnsetType):
            changed |= node.position != data.position
            node.position = data.position
        if not isinstance(data.metadata, msgspec.UnsetType):
            _check_metadata(data.metadata)
            changed |= node.meta != data.metadata
            node.meta = dict(data.metadata)
        if not isinstance(data.tag_ids, msgspec.UnsetType):
            changed |= await set_node_tags(uow, node.id, data.tag_ids)
        if not isinstance(data.translations, msgspec.UnsetType):
            changed |= await patch_translations(uow, node, data.translations)
        if not isinstance(data.remove_locales, msgspec.UnsetType):
            changed |= await remove_translations(uow, node, data.remove_locales)
        if changed:
            node.updated_at = utcnow()
            uow.publish(NodeUpdated(node_id=node.id, kind=node.kind))

    async def transition(
        self, uow: UnitOfWork, access: ContentAccess, node_id: uuid.UUID, action: NodeAction
    ) -> NodeState:
        """Apply a state machine transition to the stored row (409 when illegal)."""
        node = await self.load(uow, access, node_id, for_update=True)
        access.require(node.kind, "update", node.author_id)
        now = utcnow()
        before = node.status
        state = apply(
            load_node_state(before, node.published_at, node.archived_at, now), action, now
        )
        published_at, archived_at = timestamps(state)
        result = await uow.session.execute(
            update(Node)
            .where(Node.id == node.id, Node.status == before)
            .values(
                status=state.status,
                published_at=published_at,
                archived_at=archived_at,
                updated_at=now,
            )
            .execution_options(synchronize_session="fetch")
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise InvalidTransition(f"content node {node_id} changed meanwhile; read it again")
        uow.publish(_TRANSITION_EVENTS[action](node_id=node.id, kind=node.kind))
        if action == "publish":
            count_published_on_commit(uow, node.kind)
        return state

    async def delete(self, uow: UnitOfWork, access: ContentAccess, node_id: uuid.UUID) -> NodeRow:
        """Delete a node without children (409 otherwise); return what it was."""
        node = await self.load(uow, access, node_id, for_update=True)
        access.require(node.kind, "delete", node.author_id)
        children = await uow.session.scalar(
            select(func.count()).select_from(Node).where(Node.parent_id == node.id)
        )
        if children:
            raise NodeHasChildren(
                f"content node {node_id} has {children} children; delete them first"
            )
        gone = node_row(node)
        await uow.session.delete(node)
        await uow.session.flush()
        uow.publish(NodeDeleted(node_id=gone.id, kind=gone.kind))
        return gone

    async def delete_children(
        self, uow: UnitOfWork, parent_id: uuid.UUID, kinds: Sequence[str]
    ) -> list[uuid.UUID]:
        """Delete a node's children of ``kinds`` (no grandchildren), each with its
        ``node.deleted``; authorised by the caller's right to delete the parent."""
        doomed = (
            (
                await uow.session.execute(
                    select(Node.id, Node.kind).where(
                        Node.parent_id == parent_id, Node.kind.in_(kinds)
                    )
                )
            )
            .tuples()
            .all()
        )
        ids = [node_id for node_id, _ in doomed]
        nested = await uow.session.scalar(
            select(func.count()).select_from(Node).where(Node.parent_id.in_(ids))
        )
        if nested:
            raise NodeHasChildren(f"{nested} nodes hang under the children of {parent_id}")
        for node_id, kind in doomed:
            await uow.session.execute(delete(Node).where(Node.id == node_id))
            uow.publish(NodeDeleted(node_id=node_id, kind=kind))
        return ids

    async def adjust_reply_count(self, uow: UnitOfWork, node_id: uuid.UUID, delta: int) -> None:
        """Add ``delta`` to a node's ``reply_count`` (never below zero) in one statement."""
        counted = Node.reply_count + delta
        await uow.session.execute(
            update(Node)
            .where(Node.id == node_id)
            .values(reply_count=case((counted < 0, 0), else_=counted))
            .execution_options(synchronize_session=False)
        )

    async def children(
        self, uow: UnitOfWork, parent_id: uuid.UUID, kinds: Sequence[str] | None = None
    ) -> list[uuid.UUID]:
        statement = select(Node.id).where(Node.parent_id == parent_id)
        if kinds is not None:
            statement = statement.where(Node.kind.in_(kinds))
        return list(await uow.session.scalars(statement))
