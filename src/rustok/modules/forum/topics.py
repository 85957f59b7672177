"""Forum topics: content nodes of kind ``forum_topic`` under their category's node, with
status (open/closed/archived, SM-3), pin and lock kept in ``forum_topics``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec
from sqlalchemy import func, select, update

from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.content.interface import (
    ContentAccess,
    NodeCreate,
    NodeReader,
    NodeRow,
    NodeUpdate,
    NodeWriter,
    UnknownReference,
    commit,
)
from rustok.modules.forum.categories import load_category
from rustok.modules.forum.errors import ForumCategoryNotFound, TopicNotFound
from rustok.modules.forum.events import (
    ForumTopicCreated,
    ForumTopicLocked,
    ForumTopicPinned,
    ForumTopicStatusChanged,
)
from rustok.modules.forum.models import ForumCategory, ForumTopic
from rustok.modules.forum.schemas import (
    TopicCreate,
    TopicPage,
    TopicRead,
    TopicRecord,
    TopicUpdate,
)
from rustok.modules.forum.state import TopicAction, apply_topic, load_topic_state

TOPIC = "forum_topic"
REPLY = "forum_reply"


async def load_topic(uow: UnitOfWork, topic_id: uuid.UUID) -> ForumTopic:
    topic = await uow.session.get(ForumTopic, topic_id, with_for_update=True)
    if topic is None:
        raise TopicNotFound(f"no topic {topic_id}")
    return topic


async def count_topics(uow: UnitOfWork, category_id: uuid.UUID, delta: int) -> None:
    await uow.session.execute(
        update(ForumCategory)
        .where(ForumCategory.node_id == category_id)
        .values(topic_count=ForumCategory.topic_count + delta)
        .execution_options(synchronize_session=False)
    )


def topic_record(row: ForumTopic) -> TopicRecord:
    return TopicRecord(
        id=row.node_id, category_id=row.category_id, status=load_topic_state(row.status).status,
        is_pinned=row.is_pinned, is_locked=row.is_locked, pending_count=row.pending_count,
        last_activity_at=row.last_activity_at,
    )  # fmt: skip


class TopicService:
    def __init__(self, platform: Platform, access: ContentAccess) -> None:
        self._platform = platform
        self._access = access
        self._reader = NodeReader(platform.db)
        self._writer = NodeWriter()

    async def records(
        self, *, category_id: uuid.UUID | None, status: str | None, page: int, per_page: int
    ) -> tuple[list[TopicRecord], int]:
        """A page of topics, pinned first, then by latest activity; and how many match."""
        conditions = []
        if category_id is not None:
            conditions.append(ForumTopic.category_id == category_id)
        if status is not None:
            conditions.append(ForumTopic.status == status)
        async with self._platform.db.read_session() as session:
            total = await session.scalar(
                select(func.count()).select_from(ForumTopic).where(*conditions)
            )
            rows = await session.scalars(
                select(ForumTopic)
                .where(*conditions)
                .order_by(
                    ForumTopic.is_pinned.desc(),
                    ForumTopic.last_activity_at.desc(),
                    ForumTopic.node_id.desc(),
                )
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            return [topic_record(r) for r in rows], int(total or 0)

    async def record(self, topic_id: uuid.UUID) -> TopicRecord:
        async with self._platform.db.read_session() as session:
            row = await session.get(ForumTopic, topic_id)
        if row is None:
            raise TopicNotFound(f"no topic {topic_id}")
        return topic_record(row)

    async def _reads(self, records: Sequence[TopicRecord], chain: Sequence[str]) -> list[TopicRead]:
        ids = [r.id for r in records]
        nodes = {n.id: n for n in await self._reader.many(self._access, ids, chain)}
        return [
            TopicRead(
                id=r.id,
                category_id=r.category_id,
                status=r.status,
                is_pinned=r.is_pinned,
                is_locked=r.is_locked,
                reply_count=nodes[r.id].reply_count,
                pending_count=r.pending_count,
                last_activity_at=r.last_activity_at,
                node=nodes[r.id],
            )
            for r in records
            if r.id in nodes
        ]

    async def list(
        self, chain: Sequence[str], *, category_id: uuid.UUID | None, status: str | None,
        page: int, per_page: int,
    ) -> TopicPage:  # fmt: skip
        records, total = await self.records(
            category_id=category_id, status=status, page=page, per_page=per_page
        )
        items = await self._reads(records, chain)
        return TopicPage(items=items, page=page, per_page=per_page, total=total)

    async def get(self, topic_id: uuid.UUID, chain: Sequence[str]) -> TopicRead:
        reads = await self._reads([await self.record(topic_id)], chain)
        if not reads:
            raise TopicNotFound(f"no topic {topic_id}")
        return reads[0]

    async def create(self, data: TopicCreate, chain: Sequence[str]) -> TopicRead:
        async with self._platform.uow() as uow:
            try:
                await load_category(uow, data.category_id)
            except ForumCategoryNotFound:
                raise UnknownReference(
                    errors={"category_id": [f"no forum category {data.category_id}"]}
                ) from None
            node_id = await self._writer.create(
                uow,
                self._access,
                NodeCreate(
                    kind=TOPIC,
                    status="published",
                    parent_id=data.category_id,
                    translations=data.translations,
                ),
            )
            uow.session.add(
                ForumTopic(
                    node_id=node_id, category_id=data.category_id, author_id=self._access.user_id
                )
            )
            await count_topics(uow, data.category_id, 1)
            uow.publish(
                ForumTopicCreated(
                    topic_id=node_id, category_id=data.category_id, author_id=self._access.user_id
                )
            )
            await commit(uow)
        return await self.get(node_id, chain)

    async def update(
        self, topic_id: uuid.UUID, data: TopicUpdate, chain: Sequence[str]
    ) -> TopicRead:
        async with self._platform.uow() as uow:
            topic = await load_topic(uow, topic_id)
            parent: uuid.UUID | msgspec.UnsetType = msgspec.UNSET
            if (
                not isinstance(data.category_id, msgspec.UnsetType)
                and data.category_id != topic.category_id
            ):
                await self._move(uow, topic, data.category_id)
                parent = data.category_id
            await self._writer.update(
                uow,
                self._access,
                topic_id,
                NodeUpdate(translations=data.translations, parent_id=parent),
            )
            await commit(uow)
        return await self.get(topic_id, chain)

    async def _move(self, uow: UnitOfWork, topic: ForumTopic, category_id: uuid.UUID) -> None:
        try:
            await load_category(uow, category_id)
        except ForumCategoryNotFound:
            raise UnknownReference(
                errors={"category_id": [f"no forum category {category_id}"]}
            ) from None
        node = await self._writer.row(uow, self._access, topic.node_id)
        self._access.require(TOPIC, "update", node.author_id)
        await count_topics(uow, topic.category_id, -1)
        await count_topics(uow, category_id, 1)
        await self._writer.adjust_reply_count(uow, topic.category_id, -node.reply_count)
        await self._writer.adjust_reply_count(uow, category_id, node.reply_count)
        topic.category_id = category_id

    async def _guarded(
        self, uow: UnitOfWork, topic_id: uuid.UUID, action: str
    ) -> tuple[ForumTopic, NodeRow]:
        """The topic and its node, if the caller may ``action`` it (404/403 otherwise)."""
        topic = await load_topic(uow, topic_id)
        node = await self._writer.row(uow, self._access, topic_id)
        self._access.require(TOPIC, action, node.author_id)
        return topic, node

    async def transition(
        self, topic_id: uuid.UUID, action: TopicAction, chain: Sequence[str]
    ) -> TopicRead:
        async with self._platform.uow() as uow:
            topic, _ = await self._guarded(uow, topic_id, "update")
            old = load_topic_state(topic.status)
            new = apply_topic(old, action)
            topic.status = new.status
            uow.publish(
                ForumTopicStatusChanged(
                    topic_id=topic_id, old_status=old.status, new_status=new.status
                )
            )
            await commit(uow)
        return await self.get(topic_id, chain)

    async def set_flag(
        self, topic_id: uuid.UUID, flag: str, value: bool, chain: Sequence[str]
    ) -> TopicRead:
        """Pin/unpin or lock/unlock (moderators: ``posts:manage``); a no-op raises nothing."""
        async with self._platform.uow() as uow:
            topic, _ = await self._guarded(uow, topic_id, "manage")
            if getattr(topic, flag) != value:
                setattr(topic, flag, value)
                if flag == "is_pinned":
                    uow.publish(ForumTopicPinned(topic_id=topic_id, pinned=value))
                else:
                    uow.publish(ForumTopicLocked(topic_id=topic_id, locked=value))
                await commit(uow)
        return await self.get(topic_id, chain)

    async def delete(self, topic_id: uuid.UUID) -> None:
        """Delete a topic with all its replies."""
        async with self._platform.uow() as uow:
            topic, node = await self._guarded(uow, topic_id, "delete")
            await self._writer.adjust_reply_count(uow, topic.category_id, -node.reply_count)
            await count_topics(uow, topic.category_id, -1)
            await self._writer.delete_children(uow, topic_id, [REPLY])
            await uow.session.delete(topic)  # its forum_replies rows go with it
            await uow.session.flush()
            await self._writer.delete(uow, self._access, topic_id)
            await commit(uow)
