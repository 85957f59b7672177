"""REST: ``/api/blog/posts`` and their comments (reads public; writes need ``posts:*``,
comments ``comments:*``, which customers have: create, and update/delete their own)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from rustok.modules.blog.schemas import CommentCreate, CommentUpdate, PostCreate, PostUpdate
from rustok.modules.blog.service import BlogService
from rustok.modules.content.interface import (
    NodeAction,
    NodeFilter,
    NodePage,
    NodeRead,
    NodeSort,
    NodeStatus,
)
from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep, ChainDep
from rustok.web.deps import PlatformDep
from rustok.web.pages import Page, PerPage

TagParam = Annotated[str | None, QueryParameter(min_length=1, max_length=100)]
PostId = FromPath[uuid.UUID]


class PostController(Controller):
    path = "/api/blog/posts"
    tags = ["blog"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/", public=True, optional_auth=True, graphql_twin="blogPosts")
    async def list_posts(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep,
        status: FromQuery[NodeStatus | None] = None, tag: FromQuery[TagParam] = None,
        category_id: FromQuery[uuid.UUID | None] = None,
        author_id: FromQuery[uuid.UUID | None] = None,
        sort: FromQuery[NodeSort] = "-created_at", page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> NodePage:  # fmt: skip
        """Posts (published ones for anonymous callers), newest first."""
        flt = NodeFilter(
            status=status, tag=tag, category_id=category_id, author_id=author_id, sort=sort
        )
        return await BlogService(platform, access).list_posts(
            flt, chain, page=page, per_page=per_page
        )

    @post("/", permission="posts:create", status_code=201, graphql_twin="createBlogPost")
    async def create_post(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, data: JSONBody[PostCreate]
    ) -> NodeRead:
        """Write a post (a draft unless ``publish``), tagged by name or id."""
        return await BlogService(platform, access).create_post(data, chain)

    @get("/by-slug/{slug:str}", public=True, optional_auth=True, graphql_twin="blogPostBySlug")
    async def post_by_slug(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, slug: FromPath[str]
    ) -> NodeRead:
        """A post by its slug in the requested locale or a fallback."""
        return await BlogService(platform, access).post_by_slug(slug, chain)

    @get("/{post_id:uuid}", public=True, optional_auth=True, graphql_twin="blogPost")
    async def get_post(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, post_id: PostId
    ) -> NodeRead:
        """One post with its body."""
        return await BlogService(platform, access).get_post(post_id, chain)

    @patch("/{post_id:uuid}", permission="posts:update", graphql_twin="updateBlogPost")
    async def update_post(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, post_id: PostId,
        data: JSONBody[PostUpdate],
    ) -> NodeRead:  # fmt: skip
        """Change a post's translations, category, tags or metadata."""
        return await BlogService(platform, access).update_post(post_id, data, chain)

    @delete(
        "/{post_id:uuid}", permission="posts:delete", status_code=204, graphql_twin="deleteBlogPost"
    )
    async def delete_post(self, platform: PlatformDep, access: AccessDep, post_id: PostId) -> None:
        """Delete a post with its comments."""
        await BlogService(platform, access).delete_post(post_id)

    async def _transition(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, post_id: uuid.UUID,
        action: NodeAction,
    ) -> NodeRead:  # fmt: skip
        return await BlogService(platform, access).transition_post(post_id, action, chain)

    @post(
        "/{post_id:uuid}/publish",
        permission="posts:update",
        status_code=200,
        graphql_twin="publishBlogPost",
    )
    async def publish(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, post_id: PostId
    ) -> NodeRead:
        """draft → published."""
        return await self._transition(platform, access, chain, post_id, "publish")

    @post(
        "/{post_id:uuid}/unpublish",
        permission="posts:update",
        status_code=200,
        graphql_twin="unpublishBlogPost",
    )
    async def unpublish(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, post_id: PostId
    ) -> NodeRead:
        """published → draft."""
        return await self._transition(platform, access, chain, post_id, "unpublish")

    @post(
        "/{post_id:uuid}/archive",
        permission="posts:update",
        status_code=200,
        graphql_twin="archiveBlogPost",
    )
    async def archive(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, post_id: PostId
    ) -> NodeRead:
        """published → archived."""
        return await self._transition(platform, access, chain, post_id, "archive")

    @post(
        "/{post_id:uuid}/restore",
        permission="posts:update",
        status_code=200,
        graphql_twin="restoreBlogPost",
    )
    async def restore(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, post_id: PostId
    ) -> NodeRead:
        """archived → draft."""
        return await self._transition(platform, access, chain, post_id, "restore")

    @get("/{post_id:uuid}/comments", public=True, optional_auth=True, graphql_twin="blogComments")
    async def list_comments(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, post_id: PostId,
        page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20,
    ) -> NodePage:  # fmt: skip
        """A post's comments, oldest first."""
        return await BlogService(platform, access).list_comments(
            post_id, chain, page=page, per_page=per_page
        )

    @post(
        "/{post_id:uuid}/comments",
        permission="comments:create",
        status_code=201,
        graphql_twin="addBlogComment",
    )
    async def add_comment(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, post_id: PostId,
        data: JSONBody[CommentCreate],
    ) -> NodeRead:  # fmt: skip
        """Comment on a published post (409 COMMENTS_CLOSED otherwise)."""
        return await BlogService(platform, access).add_comment(post_id, data, chain)


class CommentController(Controller):
    path = "/api/blog/comments"
    tags = ["blog"]
    dependencies = CONTENT_DEPENDENCIES

    @patch("/{comment_id:uuid}", permission="comments:update", graphql_twin="editBlogComment")
    async def edit_comment(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep,
        comment_id: FromPath[uuid.UUID], data: JSONBody[CommentUpdate],
    ) -> NodeRead:  # fmt: skip
        """Edit a comment (customers: their own only)."""
        return await BlogService(platform, access).edit_comment(comment_id, data, chain)

    @delete(
        "/{comment_id:uuid}",
        permission="comments:delete",
        status_code=204,
        graphql_twin="deleteBlogComment",
    )
    async def delete_comment(
        self, platform: PlatformDep, access: AccessDep, comment_id: FromPath[uuid.UUID]
    ) -> None:
        """Delete a comment (customers: their own only)."""
        await BlogService(platform, access).delete_comment(comment_id)
