"""Forum categories: content nodes of kind ``forum_category`` plus their forum settings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec
from sqlalchemy import func, select

from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.content.interface import (
    ContentAccess,
    NodeCreate,
    NodeReader,
    NodeUpdate,
    NodeWriter,
    commit,
)
from rustok.modules.forum.errors import CategoryNotEmpty, ForumCategoryNotFound
from rustok.modules.forum.events import ForumCategoryUpdated
from rustok.modules.forum.models import ForumCategory, ForumTopic
from rustok.modules.forum.schemas import (
    CategoryRecord,
    ForumCategoryCreate,
    ForumCategoryPage,
    ForumCategoryRead,
    ForumCategoryUpdate,
)

CATEGORY = "forum_category"


async def load_category(uow: UnitOfWork, category_id: uuid.UUID) -> ForumCategory:
    category = await uow.session.get(ForumCategory, category_id, with_for_update=True)
    if category is None:
        raise ForumCategoryNotFound(f"no forum category {category_id}")
    return category


def _record(row: ForumCategory) -> CategoryRecord:
    return CategoryRecord(
        id=row.node_id, icon=row.icon, color=row.color, moderated=row.moderated,
        topic_count=row.topic_count,
    )  # fmt: skip


class ForumCategoryService:
    def __init__(self, platform: Platform, access: ContentAccess) -> None:
        self._platform = platform
        self._access = access
        self._reader = NodeReader(platform.db)
        self._writer = NodeWriter()

    async def records(self, *, page: int, per_page: int) -> tuple[list[CategoryRecord], int]:
        """A page of categories, oldest first, and how many there are."""
        async with self._platform.db.read_session() as session:
            total = await session.scalar(select(func.count()).select_from(ForumCategory))
            rows = await session.scalars(
                select(ForumCategory)
                .order_by(ForumCategory.created_at, ForumCategory.node_id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            return [_record(r) for r in rows], int(total or 0)

    async def record(self, category_id: uuid.UUID) -> CategoryRecord:
        async with self._platform.db.read_session() as session:
            row = await session.get(ForumCategory, category_id)
        if row is None:
            raise ForumCategoryNotFound(f"no forum category {category_id}")
        return _record(row)

    async def _reads(
        self, records: Sequence[CategoryRecord], chain: Sequence[str]
    ) -> list[ForumCategoryRead]:
        nodes = await self._reader.many(self._access, [r.id for r in records], chain)
        by_id = {n.id: n for n in nodes}
        return [
            ForumCategoryRead(
                id=r.id,
                icon=r.icon,
                color=r.color,
                moderated=r.moderated,
                topic_count=r.topic_count,
                reply_count=by_id[r.id].reply_count,
                node=by_id[r.id],
            )
            for r in records
            if r.id in by_id
        ]

    async def list(self, chain: Sequence[str], *, page: int, per_page: int) -> ForumCategoryPage:
        records, total = await self.records(page=page, per_page=per_page)
        items = await self._reads(records, chain)
        return ForumCategoryPage(items=items, page=page, per_page=per_page, total=total)

    async def get(self, category_id: uuid.UUID, chain: Sequence[str]) -> ForumCategoryRead:
        reads = await self._reads([await self.record(category_id)], chain)
        if not reads:
            raise ForumCategoryNotFound(f"no forum category {category_id}")
        return reads[0]

    async def create(self, data: ForumCategoryCreate, chain: Sequence[str]) -> ForumCategoryRead:
        async with self._platform.uow() as uow:
            node_id = await self._writer.create(
                uow,
                self._access,
                NodeCreate(
                    kind=CATEGORY,
                    status="published",
                    position=data.position,
                    translations=data.translations,
                ),
            )
            uow.session.add(
                ForumCategory(
                    node_id=node_id, icon=data.icon, color=data.color, moderated=data.moderated
                )
            )
            await commit(uow)
        return await self.get(node_id, chain)

    async def update(
        self, category_id: uuid.UUID, data: ForumCategoryUpdate, chain: Sequence[str]
    ) -> ForumCategoryRead:
        async with self._platform.uow() as uow:
            category = await load_category(uow, category_id)
            node = await self._writer.row(uow, self._access, category_id)
            self._access.require(CATEGORY, "update", node.author_id)
            await self._writer.update(
                uow,
                self._access,
                category_id,
                NodeUpdate(translations=data.translations, position=data.position),
            )
            for field in ("icon", "color", "moderated"):
                value = getattr(data, field)
                if not isinstance(value, msgspec.UnsetType):
                    setattr(category, field, value)
            uow.publish(ForumCategoryUpdated(category_id=category_id))
            await commit(uow)
        return await self.get(category_id, chain)

    async def delete(self, category_id: uuid.UUID) -> None:
        """Delete an empty category (409 CATEGORY_NOT_EMPTY while it has topics)."""
        async with self._platform.uow() as uow:
            category = await load_category(uow, category_id)
            topics = await uow.session.scalar(
                select(func.count())
                .select_from(ForumTopic)
                .where(ForumTopic.category_id == category_id)
            )
            if topics:
                raise CategoryNotEmpty(f"forum category {category_id} has {topics} topics")
            await self._writer.delete(uow, self._access, category_id)
            await uow.session.delete(category)
            await commit(uow)
