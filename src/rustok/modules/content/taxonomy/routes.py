"""REST: ``/api/content/categories`` and ``/api/content/tags`` (reads public, writes need
``categories:*``)."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from rustok.modules.content.taxonomy.categories import CategoryService
from rustok.modules.content.taxonomy.schemas import (
    CategoryCreate,
    CategoryPage,
    CategoryRead,
    CategoryUpdate,
    TagCreate,
    TagPage,
    TagRead,
    TagUpdate,
)
from rustok.modules.content.taxonomy.tags import TagService
from rustok.modules.content.web import CONTENT_DEPENDENCIES, ChainDep
from rustok.web.deps import PlatformDep
from rustok.web.pages import Page, PerPage


class CategoryController(Controller):
    path = "/api/content/categories"
    tags = ["content"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/", public=True, graphql_twin="contentCategories")
    async def list_categories(
        self,
        platform: PlatformDep,
        chain: ChainDep,
        parent_id: FromQuery[uuid.UUID | None] = None,
        page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> CategoryPage:
        """Categories in position order, optionally the children of ``parent_id``."""
        return await CategoryService(platform).list_categories(
            chain, parent_id=parent_id, page=page, per_page=per_page
        )

    @post(
        "/", permission="categories:create", status_code=201, graphql_twin="createContentCategory"
    )
    async def create_category(
        self, platform: PlatformDep, chain: ChainDep, data: JSONBody[CategoryCreate]
    ) -> CategoryRead:
        """Create a category with names per locale."""
        return await CategoryService(platform).create_category(data, chain)

    @get("/{category_id:uuid}", public=True, graphql_twin="contentCategory")
    async def get_category(
        self, platform: PlatformDep, chain: ChainDep, category_id: FromPath[uuid.UUID]
    ) -> CategoryRead:
        """One category."""
        return await CategoryService(platform).get_category(category_id, chain)

    @patch(
        "/{category_id:uuid}", permission="categories:update", graphql_twin="updateContentCategory"
    )
    async def update_category(
        self,
        platform: PlatformDep,
        chain: ChainDep,
        category_id: FromPath[uuid.UUID],
        data: JSONBody[CategoryUpdate],
    ) -> CategoryRead:
        """Rename (per locale), move or reorder a category."""
        return await CategoryService(platform).update_category(category_id, data, chain)

    @delete(
        "/{category_id:uuid}",
        permission="categories:delete",
        status_code=204,
        graphql_twin="deleteContentCategory",
    )
    async def delete_category(
        self, platform: PlatformDep, category_id: FromPath[uuid.UUID]
    ) -> None:
        """Delete a category; its nodes and subcategories keep existing without it."""
        await CategoryService(platform).delete_category(category_id)


class TagController(Controller):
    path = "/api/content/tags"
    tags = ["content"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/", public=True, graphql_twin="contentTags")
    async def list_tags(
        self,
        platform: PlatformDep,
        chain: ChainDep,
        page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> TagPage:
        """Tags, oldest first."""
        return await TagService(platform).list_tags(chain, page=page, per_page=per_page)

    @post("/", permission="categories:create", status_code=201, graphql_twin="createContentTag")
    async def create_tag(
        self, platform: PlatformDep, chain: ChainDep, data: JSONBody[TagCreate]
    ) -> TagRead:
        """Create a tag with names per locale."""
        return await TagService(platform).create_tag(data, chain)

    @get("/{tag_id:uuid}", public=True, graphql_twin="contentTag")
    async def get_tag(
        self, platform: PlatformDep, chain: ChainDep, tag_id: FromPath[uuid.UUID]
    ) -> TagRead:
        """One tag."""
        return await TagService(platform).get_tag(tag_id, chain)

    @patch("/{tag_id:uuid}", permission="categories:update", graphql_twin="updateContentTag")
    async def update_tag(
        self,
        platform: PlatformDep,
        chain: ChainDep,
        tag_id: FromPath[uuid.UUID],
        data: JSONBody[TagUpdate],
    ) -> TagRead:
        """Rename a tag (upserts the locales given)."""
        return await TagService(platform).update_tag(tag_id, data, chain)

    @delete(
        "/{tag_id:uuid}",
        permission="categories:delete",
        status_code=204,
        graphql_twin="deleteContentTag",
    )
    async def delete_tag(self, platform: PlatformDep, tag_id: FromPath[uuid.UUID]) -> None:
        """Delete a tag and detach it from every node."""
        await TagService(platform).delete_tag(tag_id)
