"""The ``blog`` module: posts with tags, publish/unpublish, comments (C-3)."""

from __future__ import annotations

from rustok.core.module import ModuleSpec
from rustok.modules.blog.admin import BLOG_ADMIN
from rustok.modules.blog.demo import seed_blog
from rustok.modules.blog.mcp import BLOG_TOOLS
from rustok.modules.blog.routes import CommentController, PostController
from rustok.modules.content.interface import ManagedContentKinds

# The system roles' default grants on the posts and comments it shares with the forum.
GRANTS = {
    "admin": ("posts:manage", "comments:manage"),
    "manager": ("posts:create", "posts:read", "posts:update", "posts:delete", "posts:list"),
    "customer": (
        "posts:read", "posts:list", "comments:create", "comments:read", "comments:list",
        "comments:update:own", "comments:delete:own",
    ),
}  # fmt: skip


MODULE = ModuleSpec(
    slug="blog",
    name="Blog",
    description="Posts with tags and comments on top of content nodes",
    version="0.1.0",
    dependencies=("content",),
    # Shared with the forum: its topics are posts, its replies comments.
    resources=("posts", "comments"),
    grants=GRANTS,
    route_handlers=[PostController, CommentController],
    graphql_query="rustok.modules.blog.graphql:BlogQuery",
    graphql_mutation="rustok.modules.blog.graphql:BlogMutation",
    mcp_tools=BLOG_TOOLS,
    demo=seed_blog,
    admin=BLOG_ADMIN,
    # Comments keep their post's reply_count: the generic content API must not write them.
    contributions=(ManagedContentKinds(("comment",)),),
)
