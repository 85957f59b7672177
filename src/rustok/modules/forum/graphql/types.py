"""GraphQL types of the forum: each wraps the forum's own record and resolves its content
``node`` (titles, bodies, author, reply count) through content's per-request DataLoaders."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry

from rustok.core.errors import ValidationFailed
from rustok.modules.content.web_graphql import (
    NodeType,
    TranslationInputType,
    TranslationPatchType,
    content_loaders,
)
from rustok.modules.forum.schemas import CategoryRecord, ReplyRecord, TopicRecord
from rustok.modules.forum.state import ModerationTarget, TopicAction
from rustok.web.graphql import RustokInfo


async def node_of(info: RustokInfo, node_id: uuid.UUID, chain: list[str]) -> NodeType | None:
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
        return await node_of(info, self.record.id, self.chain)


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
        return await node_of(info, self.record.id, self.chain)


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
        return await node_of(info, self.record.id, self.chain)


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


@strawberry.input(name="ForumCategoryUpdateInput", description="Left-out fields stay.")
class CategoryUpdateInput:
    translations: list[TranslationPatchType] | None = strawberry.UNSET
    icon: str | None = strawberry.UNSET
    color: str | None = strawberry.UNSET
    moderated: bool | None = strawberry.UNSET
    position: int | None = strawberry.UNSET


@strawberry.input(name="ForumTopicUpdateInput", description="categoryId moves the topic.")
class TopicUpdateInput:
    translations: list[TranslationPatchType] | None = strawberry.UNSET
    category_id: strawberry.ID | None = strawberry.UNSET


@strawberry.input(name="ForumTopicInput")
class TopicInput:
    category_id: strawberry.ID
    translations: list[TranslationInputType]


def topic_action(action: str) -> TopicAction:
    match action:
        case "close" | "reopen" | "archive":
            return action
    raise ValidationFailed(errors={"action": ["must be close, reopen or archive"]})


def moderation_target(status: str) -> ModerationTarget:
    match status:
        case "approved" | "rejected" | "hidden":
            return status
    raise ValidationFailed(errors={"status": ["must be approved, rejected or hidden"]})
