"""The content node state machine (SM-1) as types.

    from       method        to          event
    draft      publish()     published   node.published
    published  unpublish()   draft       node.unpublished
    published  archive()     archived    node.archived
    archived   restore()     draft       node.restored

One frozen slotted class per state; each has exactly the methods of its legal transitions,
so ``DraftNode(...).archive()`` is a type error. ``published_at`` is set exactly while a
node is published; ``archived_at`` exactly while it is archived. The service loads the
state from the row (:func:`load_node_state`), applies the transition the request asked for
(:func:`apply`, which answers 409 for an illegal one) and writes the new state back with a
conditional UPDATE on the old status, so a concurrent change cannot be overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, assert_never

from rustok.core.errors import InvalidTransition

NodeStatus = Literal["draft", "published", "archived"]
NodeAction = Literal["publish", "unpublish", "archive", "restore"]
NODE_STATUSES: tuple[NodeStatus, ...] = ("draft", "published", "archived")
NODE_ACTIONS: tuple[NodeAction, ...] = ("publish", "unpublish", "archive", "restore")


@dataclass(frozen=True, slots=True)
class DraftNode:
    status: Literal["draft"] = "draft"

    def publish(self, at: dt.datetime) -> PublishedNode:
        return PublishedNode(published_at=at)


@dataclass(frozen=True, slots=True)
class PublishedNode:
    published_at: dt.datetime
    status: Literal["published"] = "published"

    def unpublish(self) -> DraftNode:
        return DraftNode()

    def archive(self, at: dt.datetime) -> ArchivedNode:
        return ArchivedNode(archived_at=at)


@dataclass(frozen=True, slots=True)
class ArchivedNode:
    archived_at: dt.datetime
    status: Literal["archived"] = "archived"

    def restore(self) -> DraftNode:
        return DraftNode()


NodeState = DraftNode | PublishedNode | ArchivedNode


def load_node_state(
    status: str, published_at: dt.datetime | None, archived_at: dt.datetime | None, now: dt.datetime
) -> NodeState:
    """The typed state of a stored row (timestamps missing from old rows default to ``now``)."""
    if status not in NODE_STATUSES:
        raise ValueError(f"unknown node status {status!r}")
    checked: NodeStatus = status
    match checked:
        case "draft":
            return DraftNode()
        case "published":
            return PublishedNode(published_at=published_at or now)
        case "archived":
            return ArchivedNode(archived_at=archived_at or now)
        case _:
            assert_never(checked)


def apply(state: NodeState, action: NodeAction, now: dt.datetime) -> NodeState:
    """The state after ``action``, or :class:`InvalidTransition` (409) when it is illegal."""
    match state:
        case DraftNode() if action == "publish":
            return state.publish(now)
        case PublishedNode() if action == "unpublish":
            return state.unpublish()
        case PublishedNode() if action == "archive":
            return state.archive(now)
        case ArchivedNode() if action == "restore":
            return state.restore()
    raise InvalidTransition(f"cannot {action} a {state.status} node")


def timestamps(state: NodeState) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(published_at, archived_at) to store for ``state``."""
    match state:
        case DraftNode():
            return None, None
        case PublishedNode(published_at=published_at):
            return published_at, None
        case ArchivedNode(archived_at=archived_at):
            return None, archived_at
        case _:
            assert_never(state)
