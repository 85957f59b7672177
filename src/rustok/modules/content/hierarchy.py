"""Node trees: a node's depth is its parent's plus one (at most 100), parents never loop."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from rustok.core.errors import ValidationFailed
from rustok.core.uow import UnitOfWork
from rustok.modules.content.access import ContentAccess
from rustok.modules.content.errors import UnknownReference
from rustok.modules.content.models import Node
from rustok.modules.content.queries import visible_to

MAX_DEPTH = 100


async def depth_under(uow: UnitOfWork, access: ContentAccess, parent_id: uuid.UUID | None) -> int:
    """The depth of a child of ``parent_id`` (which must be a node the caller can see)."""
    if parent_id is None:
        return 0
    parent_depth = await uow.session.scalar(
        select(Node.depth).where(Node.id == parent_id, visible_to(access))
    )
    if parent_depth is None:
        raise UnknownReference(errors={"parent_id": [f"no content node {parent_id}"]})
    if parent_depth + 1 > MAX_DEPTH:
        raise ValidationFailed(errors={"parent_id": [f"nodes nest at most {MAX_DEPTH} deep"]})
    return int(parent_depth) + 1


async def move(
    uow: UnitOfWork, access: ContentAccess, node: Node, parent_id: uuid.UUID | None
) -> None:
    """Give ``node`` a new parent and shift the depth of its whole subtree."""
    tree = select(Node.id, Node.depth).where(Node.id == node.id).cte("subtree", recursive=True)
    tree = tree.union_all(select(Node.id, Node.depth).join(tree, Node.parent_id == tree.c.id))
    subtree = (await uow.session.execute(select(tree.c.id, tree.c.depth))).tuples().all()
    if parent_id is not None and parent_id in {node_id for node_id, _ in subtree}:
        raise ValidationFailed(errors={"parent_id": ["a node cannot move under itself"]})
    depth = await depth_under(uow, access, parent_id)
    delta = depth - node.depth
    deepest = max(d for _, d in subtree)
    if deepest + delta > MAX_DEPTH:
        raise ValidationFailed(errors={"parent_id": [f"nodes nest at most {MAX_DEPTH} deep"]})
    node.parent_id = parent_id
    if delta:
        await uow.session.execute(
            update(Node)
            .where(Node.id.in_([node_id for node_id, _ in subtree]))
            .values(depth=Node.depth + delta)
            .execution_options(synchronize_session="fetch")
        )
    await uow.session.flush()
