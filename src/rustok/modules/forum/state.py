"""Forum state machines (SM-3) as types, like content's (``content/state.py``).

Topics::

    open      close()    closed       forum.topic.status_changed
    closed    reopen()   open
    open      archive()  archived
    closed    archive()  archived
    archived  reopen()   open

Replies (moderation; only approved replies are public and counted)::

    pending   approve()  approved     forum.reply.moderated
    pending   reject()   rejected
    approved  hide()     hidden
    hidden    approve()  approved
    rejected  approve()  approved
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, assert_never

from rustok.core.errors import InvalidTransition

TopicAction = Literal["close", "reopen", "archive"]


@dataclass(frozen=True, slots=True)
class OpenTopic:
    status: Literal["open"] = "open"

    def close(self) -> ClosedTopic:
        return ClosedTopic()

    def archive(self) -> ArchivedTopic:
        return ArchivedTopic()


@dataclass(frozen=True, slots=True)
class ClosedTopic:
    status: Literal["closed"] = "closed"

    def reopen(self) -> OpenTopic:
        return OpenTopic()

    def archive(self) -> ArchivedTopic:
        return ArchivedTopic()


@dataclass(frozen=True, slots=True)
class ArchivedTopic:
    status: Literal["archived"] = "archived"

    def reopen(self) -> OpenTopic:
        return OpenTopic()


TopicState = OpenTopic | ClosedTopic | ArchivedTopic


def load_topic_state(status: str) -> TopicState:
    match status:
        case "open":
            return OpenTopic()
        case "closed":
            return ClosedTopic()
        case "archived":
            return ArchivedTopic()
    raise ValueError(f"unknown topic status {status!r}")


def apply_topic(state: TopicState, action: TopicAction) -> TopicState:
    match state:
        case OpenTopic() if action == "close":
            return state.close()
        case OpenTopic() | ClosedTopic() if action == "archive":
            return state.archive()
        case ClosedTopic() | ArchivedTopic() if action == "reopen":
            return state.reopen()
    raise InvalidTransition(f"cannot {action} a {state.status} topic")


@dataclass(frozen=True, slots=True)
class PendingReply:
    status: Literal["pending"] = "pending"

    def approve(self) -> ApprovedReply:
        return ApprovedReply()

    def reject(self) -> RejectedReply:
        return RejectedReply()


@dataclass(frozen=True, slots=True)
class ApprovedReply:
    status: Literal["approved"] = "approved"

    def hide(self) -> HiddenReply:
        return HiddenReply()


@dataclass(frozen=True, slots=True)
class HiddenReply:
    status: Literal["hidden"] = "hidden"

    def approve(self) -> ApprovedReply:
        return ApprovedReply()


@dataclass(frozen=True, slots=True)
class RejectedReply:
    status: Literal["rejected"] = "rejected"

    def approve(self) -> ApprovedReply:
        return ApprovedReply()


ReplyState = PendingReply | ApprovedReply | HiddenReply | RejectedReply
ModerationTarget = Literal["approved", "rejected", "hidden"]


def load_reply_state(status: str) -> ReplyState:
    match status:
        case "pending":
            return PendingReply()
        case "approved":
            return ApprovedReply()
        case "hidden":
            return HiddenReply()
        case "rejected":
            return RejectedReply()
    raise ValueError(f"unknown reply status {status!r}")


def moderate(state: ReplyState, target: ModerationTarget) -> ReplyState:
    """The state after moderating to ``target`` (409 INVALID_TRANSITION when illegal)."""
    match state:
        case PendingReply() if target == "rejected":
            return state.reject()
        case PendingReply() | HiddenReply() | RejectedReply() if target == "approved":
            return state.approve()
        case ApprovedReply() if target == "hidden":
            return state.hide()
    raise InvalidTransition(f"cannot move a {state.status} reply to {target}")


def is_public(state: ReplyState) -> bool:
    """Approved replies are the only public (published) ones."""
    match state:
        case ApprovedReply():
            return True
        case PendingReply() | HiddenReply() | RejectedReply():
            return False
        case _:
            assert_never(state)
