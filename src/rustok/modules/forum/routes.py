"""REST: ``/api/forum`` (API.md): categories, topics, replies and moderation.

Reads are public (approved replies only, except for their authors and moderators). Writes:
categories ``categories:*``; topics ``posts:*`` (pin and lock ``posts:manage``); replies
``comments:*`` (customers create them and edit or delete their own); moderation
``comments:manage``.
"""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep, ChainDep
from rustok.modules.forum.categories import ForumCategoryService
from rustok.modules.forum.replies import ReplyService
from rustok.modules.forum.schemas import (
    ForumCategoryCreate,
    ForumCategoryPage,
    ForumCategoryRead,
    ForumCategoryUpdate,
    Moderation,
    ReplyRead,
    ReplyUpdate,
)
from rustok.web.deps import PlatformDep
from rustok.web.pages import Page, PerPage

Id = FromPath[uuid.UUID]


class ForumCategoryController(Controller):
    path = "/api/forum/categories"
    tags = ["forum"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/", public=True, optional_auth=True, graphql_twin="forumCategories")
    async def list_categories(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep,
        page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20,
    ) -> ForumCategoryPage:  # fmt: skip
        """Forum categories with their topic and reply counts."""
        return await ForumCategoryService(platform, access).list(
            chain, page=page, per_page=per_page
        )

    @post("/", permission="categories:create", status_code=201, graphql_twin="createForumCategory")
    async def create_category(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep,
        data: JSONBody[ForumCategoryCreate],
    ) -> ForumCategoryRead:  # fmt: skip
        """Create a forum category (``moderated``: replies wait for a moderator)."""
        return await ForumCategoryService(platform, access).create(data, chain)

    @get("/{category_id:uuid}", public=True, optional_auth=True, graphql_twin="forumCategory")
    async def get_category(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, category_id: Id
    ) -> ForumCategoryRead:
        """One forum category."""
        return await ForumCategoryService(platform, access).get(category_id, chain)

    @patch(
        "/{category_id:uuid}", permission="categories:update", graphql_twin="updateForumCategory"
    )
    async def update_category(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, category_id: Id,
        data: JSONBody[ForumCategoryUpdate],
    ) -> ForumCategoryRead:  # fmt: skip
        """Rename a forum category or change its icon, colour or moderation."""
        return await ForumCategoryService(platform, access).update(category_id, data, chain)

    @delete(
        "/{category_id:uuid}",
        permission="categories:delete",
        status_code=204,
        graphql_twin="deleteForumCategory",
    )
    async def delete_category(
        self, platform: PlatformDep, access: AccessDep, category_id: Id
    ) -> None:
        """Delete an empty forum category (409 CATEGORY_NOT_EMPTY otherwise)."""
        await ForumCategoryService(platform, access).delete(category_id)


class ReplyController(Controller):
    path = "/api/forum/replies"
    tags = ["forum"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/{reply_id:uuid}", public=True, optional_auth=True, graphql_twin="forumReply")
    async def get_reply(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, reply_id: Id
    ) -> ReplyRead:
        """One reply (unapproved ones only for their author and moderators)."""
        return await ReplyService(platform, access).get(reply_id, chain)

    @patch("/{reply_id:uuid}", permission="comments:update", graphql_twin="editForumReply")
    async def edit_reply(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, reply_id: Id,
        data: JSONBody[ReplyUpdate],
    ) -> ReplyRead:  # fmt: skip
        """Edit a reply (customers: their own)."""
        return await ReplyService(platform, access).edit(reply_id, data, chain)

    @delete(
        "/{reply_id:uuid}",
        permission="comments:delete",
        status_code=204,
        graphql_twin="deleteForumReply",
    )
    async def delete_reply(self, platform: PlatformDep, access: AccessDep, reply_id: Id) -> None:
        """Delete a reply (customers: their own); the counters follow."""
        await ReplyService(platform, access).delete(reply_id)

    @post(
        "/{reply_id:uuid}/moderate",
        permission="comments:manage",
        status_code=200,
        graphql_twin="moderateForumReply",
    )
    async def moderate(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, reply_id: Id,
        data: JSONBody[Moderation],
    ) -> ReplyRead:  # fmt: skip
        """Approve, reject or hide a reply (409 INVALID_TRANSITION when not allowed)."""
        return await ReplyService(platform, access).moderate(reply_id, data.status, chain)
