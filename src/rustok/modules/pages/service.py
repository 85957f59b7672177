"""``PageService``: pages as content nodes of kind ``page`` (see ``schemas.py`` for where each
field lives), with ``page.*`` events next to content's ``node.*`` ones."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import delete, select

from rustok.core.logging import get_logger
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.content.interface import (
    ContentAccess,
    NodeAction,
    NodeCreate,
    NodeFilter,
    NodeNotFound,
    NodeRead,
    NodeReader,
    NodeSort,
    NodeStatus,
    NodeUpdate,
    NodeWriter,
    TranslationInput,
    TranslationPatch,
    commit,
)
from rustok.modules.pages.blocks import Block, decode_blocks, encode_blocks
from rustok.modules.pages.events import (
    MenuUpdated,
    PageCreated,
    PageDeleted,
    PagePublished,
    PageUnpublished,
    PageUpdated,
)
from rustok.modules.pages.models import Menu, MenuItem, menu_location
from rustok.modules.pages.schemas import (
    PageCreate,
    PagePage,
    PageRead,
    PageTranslationPatch,
    PageTranslationRead,
    PageUpdate,
)

PAGE = "page"
_log = get_logger("rustok.pages")


def _blocks(node: NodeRead) -> list[Block] | None:
    if node.body is None:
        return None
    try:
        return decode_blocks(node.body.body)
    except msgspec.ValidationError as exc:  # written only through PageService; log, don't fail
        _log.error("page blocks do not decode", page_id=str(node.id), error=str(exc))
        return []


def to_page_read(node: NodeRead) -> PageRead:
    meta_titles: dict[str, Any] = node.metadata.get("meta_titles") or {}
    return PageRead(
        id=node.id, status=node.status, template=str(node.metadata.get("template", "default")),
        parent_id=node.parent_id, position=node.position, locale=node.locale, title=node.title,
        slug=node.slug, meta_title=meta_titles.get(node.locale),
        meta_description=node.excerpt, blocks=_blocks(node),
        translations=[
            PageTranslationRead(locale=t.locale, title=t.title, slug=t.slug,
                                meta_title=meta_titles.get(t.locale), meta_description=t.excerpt)
            for t in node.translations
        ],
        author_id=node.author_id, created_at=node.created_at, updated_at=node.updated_at,
        published_at=node.published_at,
    )  # fmt: skip


def _patch(item: PageTranslationPatch) -> TranslationPatch:
    if isinstance(item.blocks, msgspec.UnsetType):
        body: str | msgspec.UnsetType = msgspec.UNSET
    else:
        body = encode_blocks(item.blocks)
    return TranslationPatch(
        locale=item.locale, title=item.title, slug=item.slug, excerpt=item.meta_description,
        body=body, format=msgspec.UNSET if isinstance(body, msgspec.UnsetType) else "json",
    )  # fmt: skip


class PageService:
    def __init__(self, platform: Platform, access: ContentAccess) -> None:
        self._platform = platform
        self._access = access
        self._reader = NodeReader(platform.db)
        self._writer = NodeWriter()

    async def _page(self, uow: UnitOfWork, page_id: uuid.UUID) -> dict[str, Any]:
        row = await self._writer.row(uow, self._access, page_id)
        if row.kind != PAGE:
            raise NodeNotFound(f"no page {page_id}")
        return row.metadata

    async def list(
        self, chain: Sequence[str], *, status: NodeStatus | None, parent_id: uuid.UUID | None,
        page: int, per_page: int, q: str | None = None, locale: str | None = None,
        sort: NodeSort = "position",
    ) -> PagePage:  # fmt: skip
        """Pages in ``sort`` order, position by default (lists carry no blocks: ``blocks`` is
        null); ``q`` searches titles, ``locale`` keeps pages translated into it."""
        flt = NodeFilter(kind=PAGE, status=status, parent_id=parent_id, sort=sort, q=q,
                         locale=locale)  # fmt: skip
        nodes = await self._reader.page(self._access, flt, chain, page=page, per_page=per_page)
        items = [to_page_read(n) for n in nodes.items]
        return PagePage(items=items, page=page, per_page=per_page, total=nodes.total)

    async def get(self, page_id: uuid.UUID, chain: Sequence[str]) -> PageRead:
        node = await self._reader.get(self._access, page_id, chain)
        if node.kind != PAGE:
            raise NodeNotFound(f"no page {page_id}")
        return to_page_read(node)

    async def by_slug(self, slug: str, chain: Sequence[str]) -> PageRead:
        return to_page_read(await self._reader.by_slug(self._access, PAGE, slug, chain))

    async def create(self, data: PageCreate, chain: Sequence[str]) -> PageRead:
        meta_titles = {t.locale: t.meta_title for t in data.translations if t.meta_title}
        translations = [
            TranslationInput(locale=t.locale, title=t.title, slug=t.slug,
                             excerpt=t.meta_description, body=encode_blocks(t.blocks),
                             format="json")
            for t in data.translations
        ]  # fmt: skip
        async with self._platform.uow() as uow:
            page_id = await self._writer.create(
                uow,
                self._access,
                NodeCreate(
                    kind=PAGE, status="published" if data.publish else "draft",
                    parent_id=data.parent_id, position=data.position, translations=translations,
                    metadata={"template": data.template, "meta_titles": meta_titles},
                ),
            )  # fmt: skip
            uow.publish(PageCreated(page_id=page_id))
            if data.publish:
                uow.publish(PagePublished(page_id=page_id))
            await commit(uow)
        return await self.get(page_id, chain)

    async def update(self, page_id: uuid.UUID, data: PageUpdate, chain: Sequence[str]) -> PageRead:
        async with self._platform.uow() as uow:
            metadata = dict(await self._page(uow, page_id))
            meta_titles = dict(metadata.get("meta_titles") or {})
            for item in data.translations or []:
                if not isinstance(item.meta_title, msgspec.UnsetType):
                    meta_titles[item.locale] = item.meta_title
            for locale in data.remove_locales or []:
                meta_titles.pop(locale, None)
            template = data.template if isinstance(data.template, str) else metadata.get("template")
            new_metadata = {**metadata, "template": template or "default",
                            "meta_titles": {k: v for k, v in meta_titles.items() if v}}  # fmt: skip
            patches = [_patch(t) for t in data.translations or []]
            await self._writer.update(
                uow,
                self._access,
                page_id,
                NodeUpdate(
                    translations=patches, remove_locales=data.remove_locales,
                    parent_id=data.parent_id, position=data.position,
                    metadata=new_metadata if new_metadata != metadata else msgspec.UNSET,
                ),
            )  # fmt: skip
            uow.publish(PageUpdated(page_id=page_id))
            await commit(uow)
        return await self.get(page_id, chain)

    async def publish(self, page_id: uuid.UUID, publish: bool, chain: Sequence[str]) -> PageRead:
        return await self.transition(page_id, "publish" if publish else "unpublish", chain)

    async def transition(
        self, page_id: uuid.UUID, action: NodeAction, chain: Sequence[str]
    ) -> PageRead:
        """Publish, unpublish, archive (a published page leaves the site: ``page.unpublished``)
        or restore (archived → draft), as the content state machine allows (409 otherwise)."""
        async with self._platform.uow() as uow:
            await self._page(uow, page_id)
            await self._writer.transition(uow, self._access, page_id, action)
            if action == "publish":
                uow.publish(PagePublished(page_id=page_id))
            elif action in ("unpublish", "archive"):
                uow.publish(PageUnpublished(page_id=page_id))
            await commit(uow)
        return await self.get(page_id, chain)

    async def delete(self, page_id: uuid.UUID) -> None:
        """Delete a page (409 while it has child pages); menu links to it go too."""
        async with self._platform.uow() as uow:
            await self._page(uow, page_id)
            await self._writer.delete(uow, self._access, page_id)
            menus = (
                (
                    await uow.session.execute(
                        select(Menu.id, Menu.location)
                        .join(MenuItem, MenuItem.menu_id == Menu.id)
                        .where(MenuItem.page_id == page_id)
                        .distinct()
                    )
                )
                .tuples()
                .all()
            )
            await uow.session.execute(delete(MenuItem).where(MenuItem.page_id == page_id))
            for menu_id, location in menus:
                uow.publish(MenuUpdated(menu_id=menu_id, location=menu_location(location)))
            uow.publish(PageDeleted(page_id=page_id))
            await commit(uow)
