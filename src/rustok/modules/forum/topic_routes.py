"""REST: ``/api/forum/topics`` with their status, pin and lock, and their replies."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep, ChainDep
from rustok.modules.forum.events import TopicStatus
from rustok.modules.forum.replies import ReplyService
from rustok.modules.forum.schemas import (
    ReplyCreate,
    ReplyPage,
    ReplyRead,
    TopicCreate,
    TopicPage,
    TopicRead,
    TopicUpdate,
)
from rustok.modules.forum.topics import TopicService
from rustok.web.deps import PlatformDep
from rustok.web.pages import Page, PerPage

Id = FromPath[uuid.UUID]


class TopicController(Controller):
    path = "/api/forum/topics"
    tags = ["forum"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/", public=True, optional_auth=True, graphql_twin="forumTopics")
    async def list_topics(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep,
        category_id: FromQuery[uuid.UUID | None] = None,
        status: FromQuery[TopicStatus | None] = None, page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> TopicPage:  # fmt: skip
        """Topics, pinned first, then by latest activity."""
        return await TopicService(platform, access).list(
            chain, category_id=category_id, status=status, page=page, per_page=per_page
        )

    @post("/", permission="posts:create", status_code=201, graphql_twin="createForumTopic")
    async def create_topic(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, data: JSONBody[TopicCreate]
    ) -> TopicRead:
        """Open a topic in a category with its first post as the body."""
        return await TopicService(platform, access).create(data, chain)

    @get("/{topic_id:uuid}", public=True, optional_auth=True, graphql_twin="forumTopic")
    async def get_topic(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id
    ) -> TopicRead:
        """One topic with its opening post."""
        return await TopicService(platform, access).get(topic_id, chain)

    @patch("/{topic_id:uuid}", permission="posts:update", graphql_twin="updateForumTopic")
    async def update_topic(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id,
        data: JSONBody[TopicUpdate],
    ) -> TopicRead:  # fmt: skip
        """Edit a topic or move it to another category."""
        return await TopicService(platform, access).update(topic_id, data, chain)

    @delete(
        "/{topic_id:uuid}",
        permission="posts:delete",
        status_code=204,
        graphql_twin="deleteForumTopic",
    )
    async def delete_topic(self, platform: PlatformDep, access: AccessDep, topic_id: Id) -> None:
        """Delete a topic with its replies."""
        await TopicService(platform, access).delete(topic_id)

    @post(
        "/{topic_id:uuid}/close",
        permission="posts:update",
        status_code=200,
        graphql_twin="changeForumTopicStatus",
    )
    async def close(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id
    ) -> TopicRead:
        """open → closed (no new replies)."""
        return await TopicService(platform, access).transition(topic_id, "close", chain)

    @post(
        "/{topic_id:uuid}/reopen",
        permission="posts:update",
        status_code=200,
        graphql_twin="changeForumTopicStatus",
    )
    async def reopen(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id
    ) -> TopicRead:
        """closed or archived → open."""
        return await TopicService(platform, access).transition(topic_id, "reopen", chain)

    @post(
        "/{topic_id:uuid}/archive",
        permission="posts:update",
        status_code=200,
        graphql_twin="changeForumTopicStatus",
    )
    async def archive(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id
    ) -> TopicRead:
        """open or closed → archived."""
        return await TopicService(platform, access).transition(topic_id, "archive", chain)

    async def _flag(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: uuid.UUID,
        flag: str, value: bool,
    ) -> TopicRead:  # fmt: skip
        return await TopicService(platform, access).set_flag(topic_id, flag, value, chain)

    @post(
        "/{topic_id:uuid}/pin",
        permission="posts:manage",
        status_code=200,
        graphql_twin="setForumTopicPinned",
    )
    async def pin(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id
    ) -> TopicRead:
        """Pin a topic to the top of its category."""
        return await self._flag(platform, access, chain, topic_id, "is_pinned", True)

    @post(
        "/{topic_id:uuid}/unpin",
        permission="posts:manage",
        status_code=200,
        graphql_twin="setForumTopicPinned",
    )
    async def unpin(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id
    ) -> TopicRead:
        """Unpin a topic."""
        return await self._flag(platform, access, chain, topic_id, "is_pinned", False)

    @post(
        "/{topic_id:uuid}/lock",
        permission="posts:manage",
        status_code=200,
        graphql_twin="setForumTopicLocked",
    )
    async def lock(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id
    ) -> TopicRead:
        """Lock a topic: it refuses replies (409 TOPIC_LOCKED)."""
        return await self._flag(platform, access, chain, topic_id, "is_locked", True)

    @post(
        "/{topic_id:uuid}/unlock",
        permission="posts:manage",
        status_code=200,
        graphql_twin="setForumTopicLocked",
    )
    async def unlock(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id
    ) -> TopicRead:
        """Unlock a topic."""
        return await self._flag(platform, access, chain, topic_id, "is_locked", False)

    @get("/{topic_id:uuid}/replies", public=True, optional_auth=True, graphql_twin="forumReplies")
    async def list_replies(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id,
        page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20,
    ) -> ReplyPage:  # fmt: skip
        """A topic's replies, oldest first."""
        return await ReplyService(platform, access).list(
            topic_id, chain, page=page, per_page=per_page
        )

    @post(
        "/{topic_id:uuid}/replies",
        permission="comments:create",
        status_code=201,
        graphql_twin="createForumReply",
    )
    async def reply(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, topic_id: Id,
        data: JSONBody[ReplyCreate],
    ) -> ReplyRead:  # fmt: skip
        """Reply to an open, unlocked topic (pending in moderated categories)."""
        return await ReplyService(platform, access).create(topic_id, data, chain)
