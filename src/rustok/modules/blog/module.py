"""The ``blog`` module: posts with tags, publish/unpublish, comments (C-3)."""

from __future__ import annotations

from rustok.core.module import ModuleSpec
from rustok.modules.blog.demo import seed_blog
from rustok.modules.blog.graphql import BlogMutation, BlogQuery
from rustok.modules.blog.routes import CommentController, PostController
from rustok.modules.content.interface import CONTENT_KINDS_KEY

MODULE = ModuleSpec(
    slug="blog",
    name="Blog",
    description="Posts with tags and comments on top of content nodes",
    version="0.1.0",
    dependencies=("content",),
    permissions=tuple(
        f"{resource}:{action}"
        for resource in ("posts", "comments")
        for action in ("create", "read", "update", "delete", "list")
    ),
    route_handlers=[PostController, CommentController],
    graphql_query=BlogQuery,
    graphql_mutation=BlogMutation,
    demo=seed_blog,
    route_prefixes=("/api/blog",),
    # Comments keep their post's reply_count: the generic content API must not write them.
    extra={CONTENT_KINDS_KEY: ("comment",)},
)
