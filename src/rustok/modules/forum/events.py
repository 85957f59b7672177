"""Forum event types: topic lifecycle and reply moderation (ordered per topic)."""

from __future__ import annotations

import uuid
from typing import Literal

from rustok.core.events import EventPayload

TopicStatus = Literal["open", "closed", "archived"]
ReplyStatus = Literal["pending", "approved", "rejected", "hidden"]


class ForumCategoryUpdated(EventPayload, frozen=True, kw_only=True):
    """A forum category's names, icon, colour or moderation setting changed."""

    event_type = "forum.category.updated"
    category_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.category_id


class _TopicEvent(EventPayload, frozen=True, kw_only=True):
    topic_id: uuid.UUID

    def aggregate_id(self) -> uuid.UUID:
        return self.topic_id


class ForumTopicCreated(_TopicEvent, frozen=True, kw_only=True):
    event_type = "forum.topic.created"
    category_id: uuid.UUID | None = None
    author_id: uuid.UUID | None = None


class ForumTopicStatusChanged(_TopicEvent, frozen=True, kw_only=True):
    event_type = "forum.topic.status_changed"
    old_status: TopicStatus
    new_status: TopicStatus

    def check(self) -> None:
        if self.old_status == self.new_status:
            raise ValueError("new_status must differ from old_status - at `$.new_status`")


class ForumTopicPinned(_TopicEvent, frozen=True, kw_only=True):
    event_type = "forum.topic.pinned"
    pinned: bool


class ForumTopicLocked(_TopicEvent, frozen=True, kw_only=True):
    """A topic was locked (no new replies) or unlocked."""

    event_type = "forum.topic.locked"
    locked: bool


class ForumReplyCreated(_TopicEvent, frozen=True, kw_only=True):
    event_type = "forum.reply.created"
    reply_id: uuid.UUID
    author_id: uuid.UUID | None = None
    status: ReplyStatus = "approved"


class ForumReplyModerated(_TopicEvent, frozen=True, kw_only=True):
    event_type = "forum.reply.moderated"
    reply_id: uuid.UUID
    old_status: ReplyStatus
    new_status: ReplyStatus

    def check(self) -> None:
        if self.old_status == self.new_status:
            raise ValueError("new_status must differ from old_status - at `$.new_status`")
