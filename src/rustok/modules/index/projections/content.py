"""``index_content`` from content nodes: one listing per (published node, tenant locale).

Every event names nodes; the projector reads them afresh through content's interface (in
its own transaction, so the read and the write agree) and rewrites their listings. Events
only say *which* nodes changed, so replaying one, or handling two out of order, converges
on the current state.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.consumer import consumer
from rustok.core.context import TenantRef, current_context
from rustok.core.db import utcnow
from rustok.core.events import Envelope, EventPayload
from rustok.core.uow import UnitOfWork
from rustok.modules.content import events as content_events
from rustok.modules.content.interface import NodeRead, nodes_with_term, published_in_locales
from rustok.modules.index.documents import ContentDocument
from rustok.modules.index.metrics import INDEX_LAG
from rustok.modules.index.models import ContentListing
from rustok.modules.index.store import ListingStore

# Comments and forum replies are read through their parents, never on their own.
UNLISTED_KINDS = frozenset({"comment", "forum_reply"})
TAG_TARGET_NODE = "node"


def tenant_chains(tenant: TenantRef) -> dict[str, list[str]]:
    """Each enabled locale of the tenant (the default alone when none is listed) with the
    chain its listings fall back along."""
    locales = [locale for locale, _ in tenant.locales] or [tenant.default_locale]
    return {locale: tenant.locale_chain(locale) for locale in locales}


def _text(metadata: dict[str, Any], key: str, limit: int) -> str | None:
    value = metadata.get(key)
    return value[:limit] if isinstance(value, str) and value else None


def content_document(locale: str, read: NodeRead) -> ContentDocument:
    """The listing of ``read`` (already in ``locale``'s chain) for ``locale``."""
    return ContentDocument(
        node_id=read.id,
        locale=locale,
        kind=read.kind,
        status=read.status,
        title=read.title,
        slug=read.slug,
        excerpt=read.excerpt,
        body=read.body.body if read.body else None,
        body_format=read.body.format if read.body else "markdown",
        author_id=read.author_id,
        author_name=read.author.name if read.author else None,
        category_id=read.category.id if read.category else None,
        category_name=read.category.name if read.category else None,
        category_slug=read.category.slug if read.category else None,
        tags=[tag.name for tag in read.tags],
        meta_title=_text(read.metadata, "meta_title", 255),
        meta_description=_text(read.metadata, "meta_description", 500),
        featured_image_url=_text(read.metadata, "featured_image_url", 1000),
        parent_id=read.parent_id,
        depth=read.depth,
        position=read.position,
        reply_count=read.reply_count,
        published_at=read.published_at,
    )


class ContentProjector:
    """Rewrites the listings of some nodes from their current state."""

    def __init__(self, session: AsyncSession, tenant: TenantRef) -> None:
        self._session = session
        self._store = ListingStore(session, tenant.id)
        self._chains = tenant_chains(tenant)

    async def documents(
        self, node_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, list[ContentDocument]]:
        """The listings the nodes should have now (nodes not listed are left out)."""
        found = await published_in_locales(self._session, sorted(set(node_ids)), self._chains)
        return {
            node_id: [content_document(locale, read) for locale, read in reads.items()]
            for node_id, reads in found.items()
            if reads and next(iter(reads.values())).kind not in UNLISTED_KINDS
        }

    async def project(self, node_ids: Iterable[uuid.UUID]) -> int:
        """Listings written for ``node_ids``; the ones not published (or gone) are removed."""
        ids = sorted(set(node_ids))
        await self._store.serialise("content")
        read_at = utcnow()
        expected = await self.documents(ids)
        written = 0
        for node_id in ids:
            documents = expected.get(node_id)
            if not documents:
                await self._store.remove_content(node_id)
                continue
            for document in documents:
                written += await self._store.put_content(document, read_at)
            await self._store.remove_content(node_id, keep_locales={d.locale for d in documents})
        return written

    async def listed_in_category(self, category_id: uuid.UUID) -> list[uuid.UUID]:
        """Nodes whose listings show the category (it may be gone from the nodes already)."""
        rows = await self._session.scalars(
            select(ContentListing.node_id).where(ContentListing.category_id == category_id)
        )
        return list(set(rows))


async def affected_nodes(
    projector: ContentProjector, session: AsyncSession, payload: Any
) -> Sequence[uuid.UUID]:
    match payload:
        case content_events.CategoryUpdated() | content_events.CategoryDeleted():
            filed = await nodes_with_term(session, category_id=payload.category_id)
            return [*filed, *await projector.listed_in_category(payload.category_id)]
        case content_events.TagUpdated():
            return await nodes_with_term(session, tag_id=payload.tag_id)
        case content_events.TagAttached() | content_events.TagDetached():
            return [payload.target_id] if payload.target_type == TAG_TARGET_NODE else []
        case _:
            return [payload.node_id]


CONTENT_EVENTS: tuple[type[EventPayload], ...] = (
    content_events.NodeCreated,
    content_events.NodeUpdated,
    content_events.NodePublished,
    content_events.NodeUnpublished,
    content_events.NodeArchived,
    content_events.NodeRestored,
    content_events.NodeDeleted,
    content_events.NodeTranslationUpdated,
    content_events.BodyUpdated,
    content_events.CategoryUpdated,
    content_events.CategoryDeleted,
    content_events.TagUpdated,
    content_events.TagAttached,
    content_events.TagDetached,
)


@consumer("index.content", on=CONTENT_EVENTS, batch=True)
async def project_content(payload: Any, envelope: Envelope, uow: UnitOfWork) -> None:
    tenant = current_context().tenant
    assert tenant is not None  # consumers always run under the event's tenant
    projector = ContentProjector(uow.session, tenant)
    await projector.project(await affected_nodes(projector, uow.session, payload))
    INDEX_LAG.labels("content").observe(max(0.0, (utcnow() - envelope.occurred_at).total_seconds()))
