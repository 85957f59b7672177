"""Tags on nodes: replacing a node's tag set raises ``tag.attached``/``tag.detached``, and
tags named by blog posts are found or created by name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select

from rustok.core.uow import UnitOfWork
from rustok.modules.content.errors import UnknownReference
from rustok.modules.content.events import TagAttached, TagCreated, TagDetached
from rustok.modules.content.models import NodeTag, Tag, TagTranslation
from rustok.modules.content.slugs import slugify

NODE_TARGET = "node"
TAG_SLUG_LENGTH = 100


async def set_node_tags(uow: UnitOfWork, node_id: uuid.UUID, tag_ids: Sequence[uuid.UUID]) -> bool:
    """Make ``tag_ids`` the node's tags (in that order for new ones); True if it changed."""
    session = uow.session
    wanted = list(dict.fromkeys(tag_ids))
    if wanted:
        known = set(await session.scalars(select(Tag.id).where(Tag.id.in_(wanted))))
        missing = [str(t) for t in wanted if t not in known]
        if missing:
            raise UnknownReference(errors={"tag_ids": [f"no tag {t}" for t in missing]})
    current = set(await session.scalars(select(NodeTag.tag_id).where(NodeTag.node_id == node_id)))
    removed = sorted(current - set(wanted))
    added = [t for t in wanted if t not in current]
    if removed:
        await session.execute(
            delete(NodeTag).where(NodeTag.node_id == node_id, NodeTag.tag_id.in_(removed))
        )
    for tag_id in removed:
        uow.publish(TagDetached(tag_id=tag_id, target_type=NODE_TARGET, target_id=node_id))
    for tag_id in added:
        session.add(NodeTag(node_id=node_id, tag_id=tag_id))
        await session.flush()  # one by one: created_at keeps the order tags were given in
        uow.publish(TagAttached(tag_id=tag_id, target_type=NODE_TARGET, target_id=node_id))
    return bool(removed or added)


async def tags_named(uow: UnitOfWork, names: Sequence[str], locale: str) -> list[uuid.UUID]:
    """Ids of the tags with these names (by slug, in ``locale``), creating missing ones."""
    session = uow.session
    ids: list[uuid.UUID] = []
    for name in names:
        slug = slugify(name, max_length=TAG_SLUG_LENGTH, field="tags")
        found = await session.scalar(
            select(TagTranslation.tag_id).where(
                TagTranslation.locale == locale, TagTranslation.slug == slug
            )
        )
        if found is None:
            tag = Tag()
            session.add(tag)
            await session.flush()
            session.add(TagTranslation(tag_id=tag.id, locale=locale, name=name.strip(), slug=slug))
            await session.flush()
            uow.publish(TagCreated(tag_id=tag.id))
            found = tag.id
        if found not in ids:
            ids.append(found)
    return ids
