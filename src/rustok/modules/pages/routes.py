"""REST: ``/api/pages`` and ``/api/pages/menus`` (reads public; writes ``pages:*``)."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from rustok.modules.content.interface import NodeStatus
from rustok.modules.content.web import CONTENT_DEPENDENCIES, AccessDep, ChainDep
from rustok.modules.pages.events import MenuLocation
from rustok.modules.pages.menus import MenuService
from rustok.modules.pages.schemas import (
    MenuCreate,
    MenuPage,
    MenuRead,
    MenuUpdate,
    PageCreate,
    PagePage,
    PageRead,
    PageUpdate,
)
from rustok.modules.pages.service import PageService
from rustok.web.deps import PlatformDep
from rustok.web.pages import Page, PerPage

Id = FromPath[uuid.UUID]


class PageController(Controller):
    path = "/api/pages"
    tags = ["pages"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/", public=True, optional_auth=True, graphql_twin="pages")
    async def list_pages(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep,
        status: FromQuery[NodeStatus | None] = None,
        parent_id: FromQuery[uuid.UUID | None] = None, page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> PagePage:  # fmt: skip
        """Pages in position order, without their blocks."""
        return await PageService(platform, access).list(
            chain, status=status, parent_id=parent_id, page=page, per_page=per_page
        )

    @post("/", permission="pages:create", status_code=201, graphql_twin="createPage")
    async def create_page(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, data: JSONBody[PageCreate]
    ) -> PageRead:
        """Create a page with its blocks per locale (a draft unless ``publish``)."""
        return await PageService(platform, access).create(data, chain)

    @get("/by-slug/{slug:str}", public=True, optional_auth=True, graphql_twin="pageBySlug")
    async def page_by_slug(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, slug: FromPath[str]
    ) -> PageRead:
        """A page by its slug in the requested locale or a fallback, with its blocks."""
        return await PageService(platform, access).by_slug(slug, chain)

    @get("/{page_id:uuid}", public=True, optional_auth=True, graphql_twin="page")
    async def get_page(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, page_id: Id
    ) -> PageRead:
        """One page with its blocks in the requested locale."""
        return await PageService(platform, access).get(page_id, chain)

    @patch("/{page_id:uuid}", permission="pages:update", graphql_twin="updatePage")
    async def update_page(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, page_id: Id,
        data: JSONBody[PageUpdate],
    ) -> PageRead:  # fmt: skip
        """Change translations, blocks, template or place in the page tree."""
        return await PageService(platform, access).update(page_id, data, chain)

    @delete(
        "/{page_id:uuid}", permission="pages:delete", status_code=204, graphql_twin="deletePage"
    )
    async def delete_page(self, platform: PlatformDep, access: AccessDep, page_id: Id) -> None:
        """Delete a page without child pages; menu links to it are removed."""
        await PageService(platform, access).delete(page_id)

    @post(
        "/{page_id:uuid}/publish",
        permission="pages:update",
        status_code=200,
        graphql_twin="publishPage",
    )
    async def publish(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, page_id: Id
    ) -> PageRead:
        """draft → published (409 INVALID_TRANSITION otherwise)."""
        return await PageService(platform, access).publish(page_id, True, chain)

    @post(
        "/{page_id:uuid}/unpublish",
        permission="pages:update",
        status_code=200,
        graphql_twin="unpublishPage",
    )
    async def unpublish(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, page_id: Id
    ) -> PageRead:
        """published → draft (409 INVALID_TRANSITION otherwise)."""
        return await PageService(platform, access).publish(page_id, False, chain)

    @post(
        "/{page_id:uuid}/archive",
        permission="pages:update",
        status_code=200,
        graphql_twin="archivePage",
    )
    async def archive(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, page_id: Id
    ) -> PageRead:
        """published → archived (409 INVALID_TRANSITION otherwise)."""
        return await PageService(platform, access).transition(page_id, "archive", chain)

    @post(
        "/{page_id:uuid}/restore",
        permission="pages:update",
        status_code=200,
        graphql_twin="restorePage",
    )
    async def restore(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, page_id: Id
    ) -> PageRead:
        """archived → draft (409 INVALID_TRANSITION otherwise)."""
        return await PageService(platform, access).transition(page_id, "restore", chain)


class MenuController(Controller):
    path = "/api/pages/menus"
    tags = ["pages"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/", public=True, optional_auth=True, graphql_twin="menus")
    async def list_menus(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep,
        location: FromQuery[MenuLocation | None] = None, page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> MenuPage:  # fmt: skip
        """Menus with their item trees, labels in the requested locale."""
        return await MenuService(platform, access).list(
            chain, location=location, page=page, per_page=per_page
        )

    @post("/", permission="pages:create", status_code=201, graphql_twin="createMenu")
    async def create_menu(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, data: JSONBody[MenuCreate]
    ) -> MenuRead:
        """Create the menu of a location (409 MENU_LOCATION_TAKEN if it has one)."""
        return await MenuService(platform, access).create(data, chain)

    @get("/{menu_id:uuid}", public=True, optional_auth=True, graphql_twin="menu")
    async def get_menu(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, menu_id: Id
    ) -> MenuRead:
        """One menu."""
        return await MenuService(platform, access).get(menu_id, chain)

    @patch("/{menu_id:uuid}", permission="pages:update", graphql_twin="updateMenu")
    async def update_menu(
        self, platform: PlatformDep, access: AccessDep, chain: ChainDep, menu_id: Id,
        data: JSONBody[MenuUpdate],
    ) -> MenuRead:  # fmt: skip
        """Rename a menu or replace its items."""
        return await MenuService(platform, access).update(menu_id, data, chain)

    @delete(
        "/{menu_id:uuid}", permission="pages:delete", status_code=204, graphql_twin="deleteMenu"
    )
    async def delete_menu(self, platform: PlatformDep, access: AccessDep, menu_id: Id) -> None:
        """Delete a menu."""
        await MenuService(platform, access).delete(menu_id)
