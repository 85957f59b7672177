# mypy: disallow-untyped-decorators=False
# (strawberry.field(...) with arguments is untyped, as in every graphql.py; pyproject.toml)
"""GraphQL: product categories and collections, through the same ``TaxonomyService`` as
``/api/commerce/categories`` and ``/api/commerce/collections``."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import UNSET

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog.taxonomy import (
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    CollectionCreate,
    CollectionRead,
    CollectionUpdate,
)
from rustok.modules.commerce.graphql_support import runtime
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.inputs import convert, input_dict, patch_dict
from rustok.web.permissions import requires


@strawberry.type(name="CommerceCategory")
class CommerceCategoryType:
    id: strawberry.ID
    handle: str
    name: str
    description: str | None
    parent_id: strawberry.ID | None
    position: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, read: CategoryRead) -> CommerceCategoryType:
        parent = None if read.parent_id is None else strawberry.ID(str(read.parent_id))
        return cls(
            id=strawberry.ID(str(read.id)), handle=read.handle, name=read.name,
            description=read.description, parent_id=parent, position=read.position,
            created_at=read.created_at, updated_at=read.updated_at,
        )  # fmt: skip


@strawberry.type(name="CommerceCollection")
class CommerceCollectionType:
    id: strawberry.ID
    handle: str
    title: str
    description: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, read: CollectionRead) -> CommerceCollectionType:
        return cls(
            id=strawberry.ID(str(read.id)), handle=read.handle, title=read.title,
            description=read.description, created_at=read.created_at, updated_at=read.updated_at,
        )  # fmt: skip


@strawberry.type(name="CommerceCategoryList")
class CommerceCategoryList:
    items: list[CommerceCategoryType]
    total_count: int


@strawberry.type(name="CommerceCollectionList")
class CommerceCollectionList:
    items: list[CommerceCollectionType]
    total_count: int


@strawberry.input(name="CommerceCategoryCreateInput")
class CategoryCreateInputType:
    name: str
    handle: str | None = None
    description: str | None = None
    parent_id: strawberry.ID | None = None
    position: int | None = None


@strawberry.input(name="CommerceCategoryUpdateInput", description="Left-out fields stay.")
class CategoryUpdateInputType:
    name: str | None = UNSET
    handle: str | None = UNSET
    description: str | None = UNSET
    parent_id: strawberry.ID | None = UNSET
    position: int | None = UNSET


@strawberry.input(name="CommerceCollectionCreateInput")
class CollectionCreateInputType:
    title: str
    handle: str | None = None
    description: str | None = None


@strawberry.input(name="CommerceCollectionUpdateInput", description="Left-out fields stay.")
class CollectionUpdateInputType:
    title: str | None = UNSET
    handle: str | None = UNSET
    description: str | None = UNSET


@strawberry.type
class TaxonomyQuery:
    @strawberry.field(permission_classes=[requires(perm.CATEGORIES_LIST)])
    async def commerce_categories(
        self, info: RustokInfo, page: int = 1, per_page: int = 20
    ) -> CommerceCategoryList:
        """Categories by position and handle (``parentId`` makes the tree)."""
        check_page(page, per_page)
        found = await runtime(info).taxonomy.list_categories(page, per_page)
        items = [CommerceCategoryType.of(c) for c in found.items]
        return CommerceCategoryList(items=items, total_count=found.total)

    @strawberry.field(permission_classes=[requires(perm.CATEGORIES_READ)])
    async def commerce_category(self, info: RustokInfo, id: strawberry.ID) -> CommerceCategoryType:
        return CommerceCategoryType.of(await runtime(info).taxonomy.get_category(parse_id(id)))

    @strawberry.field(permission_classes=[requires(perm.CATEGORIES_LIST)])
    async def commerce_collections(
        self, info: RustokInfo, page: int = 1, per_page: int = 20
    ) -> CommerceCollectionList:
        check_page(page, per_page)
        found = await runtime(info).taxonomy.list_collections(page, per_page)
        items = [CommerceCollectionType.of(c) for c in found.items]
        return CommerceCollectionList(items=items, total_count=found.total)

    @strawberry.field(permission_classes=[requires(perm.CATEGORIES_READ)])
    async def commerce_collection(
        self, info: RustokInfo, id: strawberry.ID
    ) -> CommerceCollectionType:
        found = await runtime(info).taxonomy.get_collection(parse_id(id))
        return CommerceCollectionType.of(found)


@strawberry.type
class TaxonomyMutation:
    @strawberry.mutation(permission_classes=[requires(perm.CATEGORIES_CREATE)])
    async def create_commerce_category(
        self, info: RustokInfo, input: CategoryCreateInputType
    ) -> CommerceCategoryType:
        data = convert(input_dict(input), CategoryCreate)
        return CommerceCategoryType.of(await runtime(info).taxonomy.create_category(data))

    @strawberry.mutation(permission_classes=[requires(perm.CATEGORIES_UPDATE)])
    async def update_commerce_category(
        self, info: RustokInfo, id: strawberry.ID, input: CategoryUpdateInputType
    ) -> CommerceCategoryType:
        """A parent that would make a cycle is refused."""
        data = convert(patch_dict(input), CategoryUpdate)
        found = await runtime(info).taxonomy.update_category(parse_id(id), data)
        return CommerceCategoryType.of(found)

    @strawberry.mutation(permission_classes=[requires(perm.CATEGORIES_DELETE)])
    async def delete_commerce_category(self, info: RustokInfo, id: strawberry.ID) -> bool:
        """Its children move up to its parent."""
        await runtime(info).taxonomy.delete_category(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires(perm.CATEGORIES_CREATE)])
    async def create_commerce_collection(
        self, info: RustokInfo, input: CollectionCreateInputType
    ) -> CommerceCollectionType:
        data = convert(input_dict(input), CollectionCreate)
        return CommerceCollectionType.of(await runtime(info).taxonomy.create_collection(data))

    @strawberry.mutation(permission_classes=[requires(perm.CATEGORIES_UPDATE)])
    async def update_commerce_collection(
        self, info: RustokInfo, id: strawberry.ID, input: CollectionUpdateInputType
    ) -> CommerceCollectionType:
        data = convert(patch_dict(input), CollectionUpdate)
        found = await runtime(info).taxonomy.update_collection(parse_id(id), data)
        return CommerceCollectionType.of(found)

    @strawberry.mutation(permission_classes=[requires(perm.CATEGORIES_DELETE)])
    async def delete_commerce_collection(self, info: RustokInfo, id: strawberry.ID) -> bool:
        """Its products stay."""
        await runtime(info).taxonomy.delete_collection(parse_id(id))
        return True
