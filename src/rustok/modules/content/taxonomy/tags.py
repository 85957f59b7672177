"""Tags with names per locale (C-2); tagging itself is in ``tagging.py``."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.platform import Platform
from rustok.modules.content.errors import TagNotFound
from rustok.modules.content.events import TagCreated, TagDeleted, TagDetached, TagUpdated
from rustok.modules.content.locales import pick
from rustok.modules.content.models import NodeTag, Tag, TagTranslation
from rustok.modules.content.taxonomy.names import name_reads, upsert_names
from rustok.modules.content.taxonomy.schemas import TagCreate, TagPage, TagRead, TagUpdate
from rustok.modules.content.taxonomy.tagging import NODE_TARGET, TAG_SLUG_LENGTH


class TagService:
    """Tags of the current tenant."""

    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def _tag_reads(
        self, session: AsyncSession, tags: Sequence[Tag], chain: Sequence[str]
    ) -> list[TagRead]:
        names: dict[uuid.UUID, list[TagTranslation]] = defaultdict(list)
        for row in await session.scalars(
            select(TagTranslation).where(TagTranslation.tag_id.in_([t.id for t in tags]))
        ):
            names[row.tag_id].append(row)
        reads = []
        for tag in tags:
            translations = name_reads(names[tag.id])
            shown = pick(translations, chain, lambda t: t.locale)
            assert shown is not None  # a tag is created with a name
            reads.append(
                TagRead(
                    id=tag.id,
                    locale=shown.locale,
                    name=shown.name,
                    slug=shown.slug,
                    translations=translations,
                    created_at=tag.created_at,
                )
            )
        return reads

    async def list_tags(self, chain: Sequence[str], *, page: int, per_page: int) -> TagPage:
        async with self._platform.db.read_session() as session:
            total = await session.scalar(select(func.count()).select_from(Tag))
            rows = await session.scalars(
                select(Tag)
                .order_by(Tag.created_at, Tag.id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            items = await self._tag_reads(session, list(rows), chain)
        return TagPage(items=items, page=page, per_page=per_page, total=int(total or 0))

    async def get_tag(self, tag_id: uuid.UUID, chain: Sequence[str]) -> TagRead:
        async with self._platform.db.read_session() as session:
            tag = await session.get(Tag, tag_id)
            if tag is None:
                raise TagNotFound(f"no tag {tag_id}")
            return (await self._tag_reads(session, [tag], chain))[0]

    async def create_tag(self, data: TagCreate, chain: Sequence[str]) -> TagRead:
        async with self._platform.uow() as uow:
            tag = Tag()
            uow.session.add(tag)
            await uow.session.flush()
            await upsert_names(
                uow.session, TagTranslation, tag.id, data.translations, TAG_SLUG_LENGTH
            )
            uow.publish(TagCreated(tag_id=tag.id))
            await uow.commit()
        return await self.get_tag(tag.id, chain)

    async def update_tag(self, tag_id: uuid.UUID, data: TagUpdate, chain: Sequence[str]) -> TagRead:
        async with self._platform.uow() as uow:
            tag = await uow.session.get(Tag, tag_id, with_for_update=True)
            if tag is None:
                raise TagNotFound(f"no tag {tag_id}")
            await upsert_names(
                uow.session, TagTranslation, tag.id, data.translations, TAG_SLUG_LENGTH
            )
            uow.publish(TagUpdated(tag_id=tag.id))
            await uow.commit()
        return await self.get_tag(tag_id, chain)

    async def delete_tag(self, tag_id: uuid.UUID) -> None:
        """Delete a tag, detaching it from every node (one ``tag.detached`` each)."""
        async with self._platform.uow() as uow:
            tag = await uow.session.get(Tag, tag_id, with_for_update=True)
            if tag is None:
                raise TagNotFound(f"no tag {tag_id}")
            tagged = await uow.session.scalars(
                select(NodeTag.node_id).where(NodeTag.tag_id == tag_id)
            )
            for node_id in tagged:
                uow.publish(TagDetached(tag_id=tag_id, target_type=NODE_TARGET, target_id=node_id))
            await uow.session.delete(tag)
            uow.publish(TagDeleted(tag_id=tag_id))
            await uow.commit()
