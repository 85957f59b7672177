"""Forum errors."""

from __future__ import annotations

from rustok.core.errors import Conflict, NotFound


class ForumCategoryNotFound(NotFound):
    code = "FORUM_CATEGORY_NOT_FOUND"
    title = "Forum category not found"


class TopicNotFound(NotFound):
    code = "TOPIC_NOT_FOUND"
    title = "Topic not found"


class ReplyNotFound(NotFound):
    code = "REPLY_NOT_FOUND"
    title = "Reply not found"


class TopicLocked(Conflict):
    code = "TOPIC_LOCKED"
    title = "Topic locked"


class TopicClosed(Conflict):
    code = "TOPIC_CLOSED"
    title = "Topic not open"


class CategoryNotEmpty(Conflict):
    code = "CATEGORY_NOT_EMPTY"
    title = "Category has topics"
