"""GraphQL: pages and menus. Inputs are typed (``graphql_inputs``: a page block is a
``@oneOf`` input per block type) and validated by the REST bodies' structs."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import msgspec
import strawberry
from strawberry.scalars import JSON

from rustok.core.errors import ValidationFailed
from rustok.modules.content.interface import NodeStatus
from rustok.modules.content.web_graphql import NodeType, access_of, chain_of, content_loaders
from rustok.modules.pages.graphql_inputs import (
    MenuCreateInput,
    MenuUpdateInput,
    PageCreateInput,
    PageUpdateInput,
    menu_create,
    menu_update,
    page_create,
    page_update,
)
from rustok.modules.pages.menus import MenuService
from rustok.modules.pages.schemas import (
    MenuItemRead,
    MenuRead,
    PageRead,
)
from rustok.modules.pages.service import PageService
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.permissions import Public, module_enabled, requires

ON = module_enabled("pages")


@strawberry.type(name="PageTranslation")
class PageTranslationType:
    locale: str
    title: str
    slug: str
    meta_title: str | None
    meta_description: str | None


@strawberry.type(name="Page")
class PageType:
    read: strawberry.Private[PageRead]
    chain: strawberry.Private[list[str]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.read.id))

    @strawberry.field
    def status(self) -> str:
        return self.read.status

    @strawberry.field
    def template(self) -> str:
        return self.read.template

    @strawberry.field
    def locale(self) -> str:
        return self.read.locale

    @strawberry.field
    def title(self) -> str:
        return self.read.title

    @strawberry.field
    def slug(self) -> str:
        return self.read.slug

    @strawberry.field
    def meta_title(self) -> str | None:
        return self.read.meta_title

    @strawberry.field
    def meta_description(self) -> str | None:
        return self.read.meta_description

    @strawberry.field(description="The blocks in the shown locale (null in lists).")
    def blocks(self) -> JSON | None:
        if self.read.blocks is None:
            return None
        return cast(JSON, msgspec.to_builtins(self.read.blocks))

    @strawberry.field
    def translations(self) -> list[PageTranslationType]:
        return [
            PageTranslationType(locale=t.locale, title=t.title, slug=t.slug,
                                meta_title=t.meta_title, meta_description=t.meta_description)
            for t in self.read.translations
        ]  # fmt: skip

    @strawberry.field
    def published_at(self) -> dt.datetime | None:
        return self.read.published_at

    @strawberry.field(description="The page's content node (author, tags, ...).")
    async def node(self, info: RustokInfo) -> NodeType | None:
        row = await content_loaders(info.context).nodes.load(self.read.id)
        return None if row is None else NodeType(row=row, chain=self.chain)


@strawberry.type(name="PageList")
class PageList:
    items: list[PageType]
    total_count: int


@strawberry.type(name="MenuItem")
class MenuItemType:
    id: strawberry.ID
    label: str
    labels: JSON
    url: str | None
    page_id: strawberry.ID | None
    children: list[MenuItemType]

    @classmethod
    def of(cls, item: MenuItemRead) -> MenuItemType:
        labels: Any = item.labels
        return cls(
            id=strawberry.ID(str(item.id)), label=item.label, labels=labels, url=item.url,
            page_id=strawberry.ID(str(item.page_id)) if item.page_id else None,
            children=[cls.of(c) for c in item.children],
        )  # fmt: skip


@strawberry.type(name="Menu")
class MenuType:
    id: strawberry.ID
    name: str
    location: str
    items: list[MenuItemType]

    @classmethod
    def of(cls, menu: MenuRead) -> MenuType:
        return cls(
            id=strawberry.ID(str(menu.id)), name=menu.name, location=menu.location,
            items=[MenuItemType.of(i) for i in menu.items],
        )  # fmt: skip


def _pages(info: RustokInfo) -> PageService:
    return PageService(info.context.platform, access_of(info))


def _menus(info: RustokInfo) -> MenuService:
    return MenuService(info.context.platform, access_of(info))


def _page(info: RustokInfo, read: PageRead, locale: str | None) -> PageType:
    return PageType(read=read, chain=chain_of(info, locale))


def _status(status: str | None) -> NodeStatus | None:
    match status:
        case None | "draft" | "published" | "archived":
            return status
    raise ValidationFailed(errors={"status": ["must be draft, published or archived"]})


@strawberry.type
class PagesQuery:
    @strawberry.field(permission_classes=[Public, ON], description="Pages in position order.")
    async def pages(
        self, info: RustokInfo, status: str | None = None, parent_id: strawberry.ID | None = None,
        locale: str | None = None, page: int = 1, per_page: int = 20,
    ) -> PageList:  # fmt: skip
        check_page(page, per_page)
        parent = parse_id(parent_id, "parent_id") if parent_id else None
        result = await _pages(info).list(
            chain_of(info, locale), status=_status(status), parent_id=parent, page=page,
            per_page=per_page,
        )  # fmt: skip
        return PageList(
            items=[_page(info, p, locale) for p in result.items], total_count=result.total
        )

    @strawberry.field(permission_classes=[Public, ON])
    async def page(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> PageType:
        return _page(info, await _pages(info).get(parse_id(id), chain_of(info, locale)), locale)

    @strawberry.field(permission_classes=[Public, ON])
    async def page_by_slug(
        self, info: RustokInfo, slug: str, locale: str | None = None
    ) -> PageType:
        return _page(info, await _pages(info).by_slug(slug, chain_of(info, locale)), locale)

    @strawberry.field(permission_classes=[Public, ON], description="Menus, one per location.")
    async def menus(
        self, info: RustokInfo, location: str | None = None, locale: str | None = None
    ) -> list[MenuType]:
        result = await _menus(info).list(chain_of(info, locale), location=location, per_page=4)
        return [MenuType.of(m) for m in result.items]

    @strawberry.field(permission_classes=[Public, ON])
    async def menu(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> MenuType:
        return MenuType.of(await _menus(info).get(parse_id(id), chain_of(info, locale)))


@strawberry.type
class PagesMutation:
    @strawberry.mutation(permission_classes=[requires("pages:create"), ON])
    async def create_page(
        self, info: RustokInfo, input: PageCreateInput, locale: str | None = None
    ) -> PageType:
        read = await _pages(info).create(page_create(input), chain_of(info, locale))
        return _page(info, read, locale)

    @strawberry.mutation(permission_classes=[requires("pages:update"), ON])
    async def update_page(
        self, info: RustokInfo, id: strawberry.ID, input: PageUpdateInput,
        locale: str | None = None,
    ) -> PageType:  # fmt: skip
        data = page_update(input)
        return _page(
            info, await _pages(info).update(parse_id(id), data, chain_of(info, locale)), locale
        )

    @strawberry.mutation(permission_classes=[requires("pages:update"), ON])
    async def publish_page(self, info: RustokInfo, id: strawberry.ID) -> PageType:
        return _page(
            info, await _pages(info).publish(parse_id(id), True, chain_of(info, None)), None
        )

    @strawberry.mutation(permission_classes=[requires("pages:update"), ON])
    async def unpublish_page(self, info: RustokInfo, id: strawberry.ID) -> PageType:
        return _page(
            info, await _pages(info).publish(parse_id(id), False, chain_of(info, None)), None
        )

    @strawberry.mutation(permission_classes=[requires("pages:update"), ON])
    async def archive_page(self, info: RustokInfo, id: strawberry.ID) -> PageType:
        read = await _pages(info).transition(parse_id(id), "archive", chain_of(info, None))
        return _page(info, read, None)

    @strawberry.mutation(permission_classes=[requires("pages:update"), ON])
    async def restore_page(self, info: RustokInfo, id: strawberry.ID) -> PageType:
        read = await _pages(info).transition(parse_id(id), "restore", chain_of(info, None))
        return _page(info, read, None)

    @strawberry.mutation(permission_classes=[requires("pages:delete"), ON])
    async def delete_page(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _pages(info).delete(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires("pages:create"), ON])
    async def create_menu(self, info: RustokInfo, input: MenuCreateInput) -> MenuType:
        return MenuType.of(await _menus(info).create(menu_create(input), chain_of(info, None)))

    @strawberry.mutation(permission_classes=[requires("pages:update"), ON])
    async def update_menu(
        self, info: RustokInfo, id: strawberry.ID, input: MenuUpdateInput
    ) -> MenuType:
        data = menu_update(input)
        return MenuType.of(await _menus(info).update(parse_id(id), data, chain_of(info, None)))

    @strawberry.mutation(permission_classes=[requires("pages:delete"), ON])
    async def delete_menu(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await _menus(info).delete(parse_id(id))
        return True
