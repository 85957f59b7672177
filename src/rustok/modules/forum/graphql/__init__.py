"""GraphQL: forum categories, topics, replies and moderation (types in ``types.py``)."""

from __future__ import annotations

import uuid

import strawberry

from rustok.modules.content.web_graphql import access_of, chain_of, to_struct
from rustok.modules.forum.categories import ForumCategoryService
from rustok.modules.forum.graphql.types import (
    CategoryInput,
    CategoryList,
    CategoryType,
    CategoryUpdateInput,
    ReplyList,
    ReplyType,
    TopicInput,
    TopicList,
    TopicType,
    TopicUpdateInput,
    moderation_target,
    topic_action,
)
from rustok.modules.forum.replies import ReplyService
from rustok.modules.forum.schemas import (
    ForumCategoryCreate,
    ForumCategoryUpdate,
    ReplyCreate,
    ReplyUpdate,
    TopicCreate,
    TopicUpdate,
)
from rustok.modules.forum.topics import TopicService
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.permissions import Public, module_enabled, requires

ON = module_enabled("forum")


@strawberry.type
class ForumQuery:
    @strawberry.field(permission_classes=[Public, ON])
    async def forum_categories(
        self, info: RustokInfo, locale: str | None = None, page: int = 1, per_page: int = 20
    ) -> CategoryList:
        check_page(page, per_page)
        service = ForumCategoryService(info.context.platform, access_of(info))
        records, total = await service.records(page=page, per_page=per_page)
        chain = chain_of(info, locale)
        return CategoryList(
            items=[CategoryType(record=r, chain=chain) for r in records], total_count=total
        )

    @strawberry.field(permission_classes=[Public, ON])
    async def forum_category(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> CategoryType:
        service = ForumCategoryService(info.context.platform, access_of(info))
        chain = chain_of(info, locale)
        await service.get(parse_id(id), chain)  # not found when the caller may not see it
        return CategoryType(record=await service.record(parse_id(id)), chain=chain)

    @strawberry.field(
        permission_classes=[Public, ON],
        description="One reply (unapproved ones only for their author and moderators).",
    )
    async def forum_reply(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> ReplyType:
        chain = chain_of(info, locale)
        await _replies(info).get(parse_id(id), chain)  # not found when the caller may not see it
        return ReplyType(record=await _replies(info).record(parse_id(id)), chain=chain)

    @strawberry.field(permission_classes=[Public, ON])
    async def forum_topics(
        self, info: RustokInfo, category_id: strawberry.ID | None = None,
        status: str | None = None, locale: str | None = None, page: int = 1, per_page: int = 20,
    ) -> TopicList:  # fmt: skip
        check_page(page, per_page)
        records, total = await TopicService(info.context.platform, access_of(info)).records(
            category_id=parse_id(category_id, "category_id") if category_id else None,
            status=status, page=page, per_page=per_page,
        )  # fmt: skip
        chain = chain_of(info, locale)
        return TopicList(
            items=[TopicType(record=r, chain=chain) for r in records], total_count=total
        )

    @strawberry.field(permission_classes=[Public, ON])
    async def forum_topic(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> TopicType:
        record = await TopicService(info.context.platform, access_of(info)).record(parse_id(id))
        return TopicType(record=record, chain=chain_of(info, locale))

    @strawberry.field(permission_classes=[Public, ON], description="Replies, oldest first.")
    async def forum_replies(
        self, info: RustokInfo, topic_id: strawberry.ID, locale: str | None = None,
        page: int = 1, per_page: int = 20,
    ) -> ReplyList:  # fmt: skip
        check_page(page, per_page)
        records, total = await ReplyService(info.context.platform, access_of(info)).records(
            parse_id(topic_id, "topic_id"), page=page, per_page=per_page
        )
        chain = chain_of(info, locale)
        return ReplyList(
            items=[ReplyType(record=r, chain=chain) for r in records], total_count=total
        )


def _topics(info: RustokInfo) -> TopicService:
    return TopicService(info.context.platform, access_of(info))


def _replies(info: RustokInfo) -> ReplyService:
    return ReplyService(info.context.platform, access_of(info))


async def _topic(info: RustokInfo, topic_id: uuid.UUID) -> TopicType:
    return TopicType(record=await _topics(info).record(topic_id), chain=chain_of(info, None))


async def _reply(info: RustokInfo, reply_id: uuid.UUID) -> ReplyType:
    return ReplyType(record=await _replies(info).record(reply_id), chain=chain_of(info, None))


@strawberry.type
class ForumMutation:
    @strawberry.mutation(permission_classes=[requires("categories:create"), ON])
    async def create_forum_category(self, info: RustokInfo, input: CategoryInput) -> CategoryType:
        service = ForumCategoryService(info.context.platform, access_of(info))
        created = await service.create(to_struct(ForumCategoryCreate, input), chain_of(info, None))
        return CategoryType(record=await service.record(created.id), chain=chain_of(info, None))

    @strawberry.mutation(permission_classes=[requires("categories:update"), ON])
    async def update_forum_category(
        self, info: RustokInfo, id: strawberry.ID, input: CategoryUpdateInput
    ) -> CategoryType:
        """Rename a forum category or change its icon, colour or moderation."""
        service = ForumCategoryService(info.context.platform, access_of(info))
        data = to_struct(ForumCategoryUpdate, input)
        await service.update(parse_id(id), data, chain_of(info, None))
        return CategoryType(record=await service.record(parse_id(id)), chain=chain_of(info, None))

    @strawberry.mutation(permission_classes=[requires("categories:delete"), ON])
    async def delete_forum_category(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await ForumCategoryService(info.context.platform, access_of(info)).delete(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires("posts:create"), ON])
    async def create_forum_topic(self, info: RustokInfo, input: TopicInput) -> TopicType:
        created = await _topics(info).create(to_struct(TopicCreate, input), chain_of(info, None))
        return await _topic(info, created.id)

    @strawberry.mutation(permission_classes=[requires("posts:update"), ON])
    async def update_forum_topic(
        self, info: RustokInfo, id: strawberry.ID, input: TopicUpdateInput
    ) -> TopicType:
        """Edit a topic or move it to another category (customers: their own)."""
        data = to_struct(TopicUpdate, input)
        await _topics(info).update(parse_id(id), data, chain_of(info, None))
        return await _topic(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires("posts:delete"), ON])
    async def delete_forum_topic(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _topics(info).delete(parse_id(id))
        return True

    @strawberry.mutation(
        permission_classes=[requires("posts:update"), ON], description="close, reopen or archive"
    )
    async def change_forum_topic_status(
        self, info: RustokInfo, id: strawberry.ID, action: str
    ) -> TopicType:
        await _topics(info).transition(parse_id(id), topic_action(action), chain_of(info, None))
        return await _topic(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires("posts:manage"), ON])
    async def set_forum_topic_pinned(
        self, info: RustokInfo, id: strawberry.ID, pinned: bool
    ) -> TopicType:
        await _topics(info).set_flag(parse_id(id), "is_pinned", pinned, chain_of(info, None))
        return await _topic(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires("posts:manage"), ON])
    async def set_forum_topic_locked(
        self, info: RustokInfo, id: strawberry.ID, locked: bool
    ) -> TopicType:
        await _topics(info).set_flag(parse_id(id), "is_locked", locked, chain_of(info, None))
        return await _topic(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires("comments:create"), ON])
    async def create_forum_reply(
        self, info: RustokInfo, topic_id: strawberry.ID, body: str, locale: str | None = None,
        parent_reply_id: strawberry.ID | None = None,
    ) -> ReplyType:  # fmt: skip
        data = to_struct(
            ReplyCreate, {"body": body, "locale": locale, "parent_reply_id": parent_reply_id}
        )
        created = await _replies(info).create(
            parse_id(topic_id, "topic_id"), data, chain_of(info, locale)
        )
        return await _reply(info, created.id)

    @strawberry.mutation(permission_classes=[requires("comments:update"), ON])
    async def edit_forum_reply(self, info: RustokInfo, id: strawberry.ID, body: str) -> ReplyType:
        data = to_struct(ReplyUpdate, {"body": body})
        await _replies(info).edit(parse_id(id), data, chain_of(info, None))
        return await _reply(info, parse_id(id))

    @strawberry.mutation(permission_classes=[requires("comments:delete"), ON])
    async def delete_forum_reply(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _replies(info).delete(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires("comments:manage"), ON])
    async def moderate_forum_reply(
        self, info: RustokInfo, id: strawberry.ID, status: str
    ) -> ReplyType:
        await _replies(info).moderate(parse_id(id), moderation_target(status), chain_of(info, None))
        return await _reply(info, parse_id(id))
