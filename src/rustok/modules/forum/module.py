"""The ``forum`` module: categories, topics (pinned, locked, open/closed/archived) and
moderated replies, on top of content nodes (C-3, SM-3)."""

from __future__ import annotations

from rustok.core.module import ModuleSpec
from rustok.modules.content.interface import ManagedContentKinds
from rustok.modules.forum.admin import FORUM_ADMIN
from rustok.modules.forum.demo import seed_forum
from rustok.modules.forum.routes import ForumCategoryController, ReplyController
from rustok.modules.forum.topic_routes import TopicController

# The system roles' default grants on the posts and comments it shares with the blog.
GRANTS = {
    "admin": ("posts:manage", "comments:manage"),
    "manager": ("posts:create", "posts:read", "posts:update", "posts:delete", "posts:list"),
    "customer": (
        "posts:read", "posts:list", "comments:create", "comments:read", "comments:list",
        "comments:update:own", "comments:delete:own",
    ),
}  # fmt: skip


MODULE = ModuleSpec(
    slug="forum",
    name="Forum",
    description="Forum categories, topics and moderated replies on top of content nodes",
    version="0.1.0",
    dependencies=("content",),
    # Shared with the blog: topics are posts, replies are comments.
    resources=("posts", "comments"),
    grants=GRANTS,
    route_handlers=[ForumCategoryController, TopicController, ReplyController],
    graphql_query="rustok.modules.forum.graphql:ForumQuery",
    graphql_mutation="rustok.modules.forum.graphql:ForumMutation",
    demo=seed_forum,
    admin=FORUM_ADMIN,
    # Their rows here and their counters must change with them: not through /api/content.
    contributions=(ManagedContentKinds(("forum_category", "forum_topic", "forum_reply")),),
)
