"""The ``forum`` module: categories, topics (pinned, locked, open/closed/archived) and
moderated replies, on top of content nodes (C-3, SM-3)."""

from __future__ import annotations

from rustok.core.module import ModuleSpec
from rustok.modules.content.interface import CONTENT_KINDS_KEY
from rustok.modules.forum import events
from rustok.modules.forum.demo import seed_forum
from rustok.modules.forum.graphql import ForumMutation, ForumQuery
from rustok.modules.forum.routes import ForumCategoryController, ReplyController
from rustok.modules.forum.topic_routes import TopicController

MODULE = ModuleSpec(
    slug="forum",
    name="Forum",
    description="Forum categories, topics and moderated replies on top of content nodes",
    version="0.1.0",
    dependencies=("content",),
    permissions=(
        "categories:create",
        "categories:update",
        "categories:delete",
        "posts:create",
        "posts:update",
        "posts:delete",
        "posts:manage",
        "comments:create",
        "comments:update",
        "comments:delete",
        "comments:manage",
    ),
    event_types=(
        events.ForumCategoryUpdated,
        events.ForumTopicCreated,
        events.ForumTopicStatusChanged,
        events.ForumTopicPinned,
        events.ForumTopicLocked,
        events.ForumReplyCreated,
        events.ForumReplyModerated,
    ),
    route_handlers=[ForumCategoryController, TopicController, ReplyController],
    graphql_query=ForumQuery,
    graphql_mutation=ForumMutation,
    demo=seed_forum,
    route_prefixes=("/api/forum",),
    # Their rows here and their counters must change with them: not through /api/content.
    extra={CONTENT_KINDS_KEY: ("forum_category", "forum_topic", "forum_reply")},
)
