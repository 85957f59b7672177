"""GraphQL: forum categories, topics, replies and moderation. Each type's ``node`` (titles,
bodies, author, ...) comes through content's per-request DataLoaders."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry

from rustok.auth.guard import Public, requires
from rustok.core.errors import ValidationFailed
from rustok.core.graphql import RustokInfo, module_enabled
from rustok.modules.content.interface import (
    NodeType,
    TranslationInputType,
    access_of,
    chain_of,
    check_first,
    content_loaders,
    parse_id,
    to_struct,
)
from rustok.modules.forum.categories import ForumCategoryService
from rustok.modules.forum.replies import ReplyService
from rustok.modules.forum.schemas import (
    CategoryRecord,
    ForumCategoryCreate,
    ReplyCreate,
    ReplyRecord,
    ReplyUpdate,
    TopicCreate,
    TopicRecord,
)
from rustok.modules.forum.state import ModerationTarget, TopicAction
from rustok.modules.forum.topics import TopicService

ON = module_enabled("forum")


async def _node(info: RustokInfo, node_id: uuid.UUID, chain: list[str]) -> NodeType | None:
    row = await content_loaders(info.context).nodes.load(node_id)
    return None if row is None else NodeType(row=row, chain=chain)


@strawberry.type(name="ForumCategory")
class CategoryType:
    record: strawberry.Private[CategoryRecord]
    chain: strawberry.Private[list[str]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def icon(self) -> str | None:
        return self.record.icon

    @strawberry.field
    def color(self) -> str | None:
        return self.record.color

    @strawberry.field
    def moderated(self) -> bool:
        return self.record.moderated

    @strawberry.field
    def topic_count(self) -> int:
        return self.record.topic_count

    @strawberry.field(description="Names, description (excerpt) and approved reply count.")
    async def node(self, info: RustokInfo) -> NodeType | None:
        return await _node(info, self.record.id, self.chain)


@strawberry.type(name="ForumTopic")
class TopicType:
    record: strawberry.Private[TopicRecord]
    chain: strawberry.Private[list[str]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def category_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.category_id))

    @strawberry.field
    def status(self) -> str:
        return self.record.status

    @strawberry.field
    def is_pinned(self) -> bool:
        return self.record.is_pinned

    @strawberry.field
    def is_locked(self) -> bool:
        return self.record.is_locked

    @strawberry.field
    def pending_count(self) -> int:
        return self.record.pending_count

    @strawberry.field
    def last_activity_at(self) -> dt.datetime:
        return self.record.last_activity_at

    @strawberry.field(description="Title, opening post, author and approved reply count.")
    async def node(self, info: RustokInfo) -> NodeType | None:
        return await _node(info, self.record.id, self.chain)


@strawberry.type(name="ForumReply")
class ReplyType:
    record: strawberry.Private[ReplyRecord]
    chain: strawberry.Private[list[str]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.id))

    @strawberry.field
    def topic_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.record.topic_id))

    @strawberry.field
    def parent_reply_id(self) -> strawberry.ID | None:
        parent = self.record.parent_reply_id
        return strawberry.ID(str(parent)) if parent else None

    @strawberry.field
    def status(self) -> str:
        return self.record.status

    @strawberry.field(description="The reply's text (body) and author.")
    async def node(self, info: RustokInfo) -> NodeType | None:
        return await _node(info, self.record.id, self.chain)


@strawberry.type(name="ForumCategoryList")
class CategoryList:
    items: list[CategoryType]
    total_count: int


@strawberry.type(name="ForumTopicList")
class TopicList:
    items: list[TopicType]
    total_count: int


@strawberry.type(name="ForumReplyList")
class ReplyList:
    items: list[ReplyType]
    total_count: int


@strawberry.input(name="ForumCategoryInput")
class CategoryInput:
    translations: list[TranslationInputType]
    icon: str | None = None
    color: str | None = None
    moderated: bool = False


@strawberry.input(name="ForumTopicInput")
class TopicInput:
    category_id: strawberry.ID
    translations: list[TranslationInputType]


def _check_page(page: int, per_page: int) -> None:
    check_first(per_page)
    if page < 1:
        raise ValidationFailed(errors={"page": ["must be at least 1"]})


def _topic_action(action: str) -> TopicAction:
    match action:
        case "close" | "reopen" | "archive":
            return action
    raise ValidationFailed(errors={"action": ["must be close, reopen or archive"]})


def _moderation(status: str) -> ModerationTarget:
    match status:
        case "approved" | "rejected" | "hidden":
            return status
    raise ValidationFailed(errors={"status": ["must be approved, rejected or hidden"]})


@strawberry.type
class ForumQuery:
    @strawberry.field(permission_classes=[Public, ON])
    async def forum_categories(
        self, info: RustokInfo, locale: str | None = None, page: int = 1, per_page: int = 20
    ) -> CategoryList:
        _check_page(page, per_page)
        service = ForumCategoryService(info.context.platform, access_of(info))
        records, total = await service.records(page=page, per_page=per_page)
        chain = chain_of(info, locale)
        return CategoryList(
            items=[CategoryType(record=r, chain=chain) for r in records], total_count=total
        )

    @strawberry.field(permission_classes=[Public, ON])
    async def forum_topics(
        self, info: RustokInfo, category_id: strawberry.ID | None = None,
        status: str | None = None, locale: str | None = None, page: int = 1, per_page: int = 20,
    ) -> TopicList:  # fmt: skip
        _check_page(page, per_page)
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
        _check_page(page, per_page)
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

    @strawberry.mutation(permission_classes=[requires("categories:delete"), ON])
    async def delete_forum_category(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await ForumCategoryService(info.context.platform, access_of(info)).delete(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires("posts:create"), ON])
    async def create_forum_topic(self, info: RustokInfo, input: TopicInput) -> TopicType:
        created = await _topics(info).create(to_struct(TopicCreate, input), chain_of(info, None))
        return await _topic(info, created.id)

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
        await _topics(info).transition(parse_id(id), _topic_action(action), chain_of(info, None))
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
        await _replies(info).moderate(parse_id(id), _moderation(status), chain_of(info, None))
        return await _reply(info, parse_id(id))
