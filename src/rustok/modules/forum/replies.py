"""Forum replies: content nodes of kind ``forum_reply`` under their topic's node, moderated
(SM-3). A reply's node is published exactly while the reply is approved, so everybody but
its author and moderators sees approved replies only, through any API. Counters move with
the status in the same unit of work: approved replies in the topic's and the category's
node ``reply_count``, pending ones in ``forum_topics.pending_count``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import case, func, or_, select, update

from rustok.core.context import current_context
from rustok.core.db import utcnow
from rustok.core.errors import PermissionDenied
from rustok.core.ids import new_id
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.content.interface import (
    ContentAccess,
    NodeCreate,
    NodeRead,
    NodeReader,
    NodeUpdate,
    NodeWriter,
    TranslationInput,
    TranslationPatch,
    UnknownReference,
    commit,
    title_from_text,
)
from rustok.modules.forum.errors import ReplyNotFound, TopicClosed, TopicLocked, TopicNotFound
from rustok.modules.forum.events import ForumReplyCreated, ForumReplyModerated
from rustok.modules.forum.models import ForumCategory, ForumReply, ForumTopic
from rustok.modules.forum.schemas import (
    ReplyCreate,
    ReplyPage,
    ReplyRead,
    ReplyRecord,
    ReplyUpdate,
)
from rustok.modules.forum.state import (
    ApprovedReply,
    ModerationTarget,
    PendingReply,
    ReplyState,
    is_public,
    load_reply_state,
    moderate,
)
from rustok.modules.forum.topics import REPLY, load_topic


def _record(row: ForumReply) -> ReplyRecord:
    return ReplyRecord(
        id=row.node_id, topic_id=row.topic_id, parent_reply_id=row.parent_reply_id,
        status=load_reply_state(row.status).status,
    )  # fmt: skip


class ReplyService:
    def __init__(self, platform: Platform, access: ContentAccess) -> None:
        self._platform = platform
        self._access = access
        self._reader = NodeReader(platform.db)
        self._writer = NodeWriter()

    @property
    def is_moderator(self) -> bool:
        return self._access.scope(REPLY, "manage") == "all"

    async def records(
        self, topic_id: uuid.UUID, *, page: int, per_page: int
    ) -> tuple[list[ReplyRecord], int]:
        """Approved replies oldest first; authors also see their own, moderators all."""
        conditions = [ForumReply.topic_id == topic_id]
        if not self.is_moderator:
            approved = ForumReply.status == "approved"
            mine = ForumReply.author_id == self._access.user_id
            conditions.append(or_(approved, mine) if self._access.user_id else approved)
        async with self._platform.db.read_session() as session:
            if await session.get(ForumTopic, topic_id) is None:
                raise TopicNotFound(f"no topic {topic_id}")
            total = await session.scalar(
                select(func.count()).select_from(ForumReply).where(*conditions)
            )
            rows = await session.scalars(
                select(ForumReply)
                .where(*conditions)
                .order_by(ForumReply.created_at, ForumReply.node_id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            return [_record(r) for r in rows], int(total or 0)

    async def queue(
        self, chain: Sequence[str], *, status: str | None, page: int, per_page: int
    ) -> ReplyPage:
        """Replies of every topic for moderators (``comments:manage``): those in ``status``,
        or all with the pending ones first; oldest first (3 statements + the node reads)."""
        if not self.is_moderator:
            raise PermissionDenied("the moderation queue needs comments:manage")
        conditions = [] if status is None else [ForumReply.status == status]
        pending_first = case((ForumReply.status == "pending", 0), else_=1)
        async with self._platform.db.read_session() as session:
            total = await session.scalar(
                select(func.count()).select_from(ForumReply).where(*conditions)
            )
            rows = await session.scalars(
                select(ForumReply)
                .where(*conditions)
                .order_by(pending_first, ForumReply.created_at, ForumReply.node_id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            records = [_record(r) for r in rows]
        items = await self._reads(records, chain)
        return ReplyPage(items=items, page=page, per_page=per_page, total=int(total or 0))

    async def topics_of(
        self, replies: Sequence[ReplyRead], chain: Sequence[str]
    ) -> dict[uuid.UUID, NodeRead]:
        """The topics of ``replies`` (their titles for the queue), in one batch."""
        ids = list({r.topic_id for r in replies})
        return {n.id: n for n in await self._reader.many(self._access, ids, chain)}

    async def record(self, reply_id: uuid.UUID) -> ReplyRecord:
        async with self._platform.db.read_session() as session:
            row = await session.get(ForumReply, reply_id)
        if row is None:
            raise ReplyNotFound(f"no reply {reply_id}")
        return _record(row)

    async def _reads(self, records: Sequence[ReplyRecord], chain: Sequence[str]) -> list[ReplyRead]:
        ids = [r.id for r in records]
        nodes = {n.id: n for n in await self._reader.many(self._access, ids, chain, with_body=True)}
        return [
            ReplyRead(
                id=r.id,
                topic_id=r.topic_id,
                parent_reply_id=r.parent_reply_id,
                status=r.status,
                node=nodes[r.id],
            )
            for r in records
            if r.id in nodes
        ]

    async def list(
        self, topic_id: uuid.UUID, chain: Sequence[str], *, page: int, per_page: int
    ) -> ReplyPage:
        records, total = await self.records(topic_id, page=page, per_page=per_page)
        items = await self._reads(records, chain)
        return ReplyPage(items=items, page=page, per_page=per_page, total=total)

    async def get(self, reply_id: uuid.UUID, chain: Sequence[str]) -> ReplyRead:
        """One reply (404 for unapproved ones, except to their author and moderators)."""
        reads = await self._reads([await self.record(reply_id)], chain)
        if not reads:
            raise ReplyNotFound(f"no reply {reply_id}")
        return reads[0]

    async def _count(
        self, uow: UnitOfWork, topic: ForumTopic, state: ReplyState, sign: int
    ) -> None:
        """Add (``sign`` 1) or remove (-1) a reply in ``state`` from the counters."""
        if is_public(state):
            await self._writer.adjust_reply_count(uow, topic.node_id, sign)
            await self._writer.adjust_reply_count(uow, topic.category_id, sign)
        elif isinstance(state, PendingReply):
            await uow.session.execute(
                update(ForumTopic)
                .where(ForumTopic.node_id == topic.node_id)
                .values(pending_count=ForumTopic.pending_count + sign)
                .execution_options(synchronize_session="fetch")
            )

    async def create(
        self, topic_id: uuid.UUID, data: ReplyCreate, chain: Sequence[str]
    ) -> ReplyRead:
        """Reply to an open, unlocked topic (409 TOPIC_LOCKED / TOPIC_CLOSED otherwise); in a
        moderated category the reply waits for a moderator unless one writes it."""
        tenant = current_context().tenant
        locale = data.locale or (tenant.default_locale if tenant else chain[0])
        async with self._platform.uow() as uow:
            topic = await load_topic(uow, topic_id)
            await self._writer.row(uow, self._access, topic_id)  # visible to the caller
            if topic.is_locked:
                raise TopicLocked(f"topic {topic_id} is locked")
            if topic.status != "open":
                raise TopicClosed(f"topic {topic_id} is {topic.status}")
            await self._check_parent(uow, topic_id, data.parent_reply_id)
            category = await uow.session.get(ForumCategory, topic.category_id)
            moderated = category is not None and category.moderated and not self.is_moderator
            state: ReplyState = PendingReply() if moderated else ApprovedReply()
            translation = TranslationInput(
                locale=locale, title=title_from_text(data.body), slug=new_id().hex, body=data.body,
                format=data.format,
            )  # fmt: skip
            reply_id = await self._writer.create(
                uow,
                self._access,
                NodeCreate(
                    kind=REPLY,
                    status="published" if is_public(state) else "draft",
                    parent_id=topic_id,
                    translations=[translation],
                ),
            )
            uow.session.add(
                ForumReply(
                    node_id=reply_id,
                    topic_id=topic_id,
                    parent_reply_id=data.parent_reply_id,
                    author_id=self._access.user_id,
                    status=state.status,
                )
            )
            await self._count(uow, topic, state, 1)
            if is_public(state):
                topic.last_activity_at = utcnow()
            uow.publish(
                ForumReplyCreated(
                    topic_id=topic_id,
                    reply_id=reply_id,
                    author_id=self._access.user_id,
                    status=state.status,
                )
            )
            await commit(uow)
        return await self.get(reply_id, chain)

    async def _check_parent(
        self, uow: UnitOfWork, topic_id: uuid.UUID, parent_id: uuid.UUID | None
    ) -> None:
        if parent_id is None:
            return
        parent = await uow.session.get(ForumReply, parent_id)
        if parent is None or parent.topic_id != topic_id:
            raise UnknownReference(
                errors={"parent_reply_id": [f"no reply {parent_id} in this topic"]}
            )

    async def _load(self, uow: UnitOfWork, reply_id: uuid.UUID) -> ForumReply:
        reply = await uow.session.get(ForumReply, reply_id, with_for_update=True)
        if reply is None:
            raise ReplyNotFound(f"no reply {reply_id}")
        return reply

    async def edit(self, reply_id: uuid.UUID, data: ReplyUpdate, chain: Sequence[str]) -> ReplyRead:
        current = await self.get(reply_id, chain)
        patch = TranslationPatch(
            locale=current.node.locale, title=title_from_text(data.body), body=data.body
        )
        async with self._platform.uow() as uow:
            await self._writer.update(uow, self._access, reply_id, NodeUpdate(translations=[patch]))
            await commit(uow)
        return await self.get(reply_id, chain)

    async def delete(self, reply_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            reply = await self._load(uow, reply_id)
            topic = await load_topic(uow, reply.topic_id)
            await self._writer.delete(uow, self._access, reply_id)
            await self._count(uow, topic, load_reply_state(reply.status), -1)
            await uow.session.delete(reply)
            await commit(uow)

    async def moderate(
        self, reply_id: uuid.UUID, target: ModerationTarget, chain: Sequence[str]
    ) -> ReplyRead:
        """Approve, reject or hide a reply (``comments:manage``; 409 when illegal)."""
        async with self._platform.uow() as uow:
            reply = await self._load(uow, reply_id)
            node = await self._writer.row(uow, self._access, reply_id)
            self._access.require(REPLY, "manage", node.author_id)
            topic = await load_topic(uow, reply.topic_id)
            old = load_reply_state(reply.status)
            new = moderate(old, target)
            await self._count(uow, topic, old, -1)
            await self._count(uow, topic, new, 1)
            if is_public(new) != is_public(old):
                await self._writer.transition(
                    uow, self._access, reply_id, "publish" if is_public(new) else "unpublish"
                )
            if is_public(new):
                topic.last_activity_at = utcnow()
            reply.status, reply.moderated_at = new.status, utcnow()
            uow.publish(
                ForumReplyModerated(
                    topic_id=topic.node_id,
                    reply_id=reply_id,
                    old_status=old.status,
                    new_status=new.status,
                )
            )
            await commit(uow)
        return await self.get(reply_id, chain)
