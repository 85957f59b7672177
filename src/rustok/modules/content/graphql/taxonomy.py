"""GraphQL: categories, tags and media metadata (uploads are REST only: raw bytes)."""

from __future__ import annotations

import strawberry

from rustok.modules.content.graphql.support import chain_of, to_struct
from rustok.modules.content.taxonomy.categories import CategoryService
from rustok.modules.content.taxonomy.schemas import (
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    TagCreate,
    TagRead,
    TagUpdate,
)
from rustok.modules.content.taxonomy.tags import TagService
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.permissions import Public, module_enabled, requires

ON = module_enabled("content")
UNSET = strawberry.UNSET


@strawberry.type(name="ContentTermTranslation")
class TermTranslationType:
    locale: str
    name: str
    slug: str
    description: str | None


@strawberry.type(name="ContentCategory")
class CategoryType:
    id: strawberry.ID
    parent_id: strawberry.ID | None
    position: int
    locale: str
    name: str
    slug: str
    description: str | None
    translations: list[TermTranslationType]

    @classmethod
    def of(cls, read: CategoryRead) -> CategoryType:
        return cls(
            id=strawberry.ID(str(read.id)),
            parent_id=strawberry.ID(str(read.parent_id)) if read.parent_id else None,
            position=read.position,
            locale=read.locale,
            name=read.name,
            slug=read.slug,
            description=read.description,
            translations=[
                TermTranslationType(
                    locale=t.locale, name=t.name, slug=t.slug, description=t.description
                )
                for t in read.translations
            ],
        )


@strawberry.type(name="ContentTag")
class TagType:
    id: strawberry.ID
    locale: str
    name: str
    slug: str
    translations: list[TermTranslationType]

    @classmethod
    def of(cls, read: TagRead) -> TagType:
        return cls(
            id=strawberry.ID(str(read.id)),
            locale=read.locale,
            name=read.name,
            slug=read.slug,
            translations=[
                TermTranslationType(locale=t.locale, name=t.name, slug=t.slug, description=None)
                for t in read.translations
            ],
        )


@strawberry.type(name="ContentCategoryList")
class CategoryList:
    items: list[CategoryType]
    total_count: int


@strawberry.type(name="ContentTagList")
class TagList:
    items: list[TagType]
    total_count: int


@strawberry.input(name="ContentTermTranslationInput")
class TermTranslationInput:
    locale: str
    name: str
    slug: str | None = None
    description: str | None = UNSET


@strawberry.input(name="ContentCategoryInput")
class CategoryInput:
    translations: list[TermTranslationInput]
    parent_id: strawberry.ID | None = None
    position: int = 0


@strawberry.input(name="ContentCategoryUpdateInput")
class CategoryUpdateInput:
    translations: list[TermTranslationInput] | None = UNSET
    parent_id: strawberry.ID | None = UNSET
    position: int | None = UNSET


@strawberry.input(name="ContentTagTranslationInput")
class TagTranslationInput:
    locale: str
    name: str
    slug: str | None = None


@strawberry.input(name="ContentTagInput")
class TagInput:
    translations: list[TagTranslationInput]


@strawberry.type
class TaxonomyQuery:
    @strawberry.field(permission_classes=[Public, ON])
    async def content_categories(
        self,
        info: RustokInfo,
        locale: str | None = None,
        parent_id: strawberry.ID | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> CategoryList:
        check_page(page, per_page)
        result = await CategoryService(info.context.platform).list_categories(
            chain_of(info, locale),
            page=page,
            per_page=per_page,
            parent_id=parse_id(parent_id, "parent_id") if parent_id else None,
        )
        return CategoryList(
            items=[CategoryType.of(c) for c in result.items], total_count=result.total
        )

    @strawberry.field(permission_classes=[Public, ON])
    async def content_category(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> CategoryType:
        service = CategoryService(info.context.platform)
        return CategoryType.of(await service.get_category(parse_id(id), chain_of(info, locale)))

    @strawberry.field(permission_classes=[Public, ON])
    async def content_tag(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> TagType:
        service = TagService(info.context.platform)
        return TagType.of(await service.get_tag(parse_id(id), chain_of(info, locale)))

    @strawberry.field(permission_classes=[Public, ON])
    async def content_tags(
        self, info: RustokInfo, locale: str | None = None, page: int = 1, per_page: int = 20
    ) -> TagList:
        check_page(page, per_page)
        result = await TagService(info.context.platform).list_tags(
            chain_of(info, locale), page=page, per_page=per_page
        )
        return TagList(items=[TagType.of(t) for t in result.items], total_count=result.total)


@strawberry.type
class TaxonomyMutation:
    @strawberry.mutation(permission_classes=[requires("categories:create"), ON])
    async def create_content_category(
        self, info: RustokInfo, input: CategoryInput, locale: str | None = None
    ) -> CategoryType:
        data = to_struct(CategoryCreate, input)
        return CategoryType.of(
            await CategoryService(info.context.platform).create_category(
                data, chain_of(info, locale)
            )
        )

    @strawberry.mutation(permission_classes=[requires("categories:update"), ON])
    async def update_content_category(
        self,
        info: RustokInfo,
        id: strawberry.ID,
        input: CategoryUpdateInput,
        locale: str | None = None,
    ) -> CategoryType:
        read = await CategoryService(info.context.platform).update_category(
            parse_id(id), to_struct(CategoryUpdate, input), chain_of(info, locale)
        )
        return CategoryType.of(read)

    @strawberry.mutation(permission_classes=[requires("categories:delete"), ON])
    async def delete_content_category(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await CategoryService(info.context.platform).delete_category(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires("categories:create"), ON])
    async def create_content_tag(
        self, info: RustokInfo, input: TagInput, locale: str | None = None
    ) -> TagType:
        read = await TagService(info.context.platform).create_tag(
            to_struct(TagCreate, input), chain_of(info, locale)
        )
        return TagType.of(read)

    @strawberry.mutation(permission_classes=[requires("categories:update"), ON])
    async def update_content_tag(
        self, info: RustokInfo, id: strawberry.ID, input: TagInput, locale: str | None = None
    ) -> TagType:
        read = await TagService(info.context.platform).update_tag(
            parse_id(id), to_struct(TagUpdate, input), chain_of(info, locale)
        )
        return TagType.of(read)

    @strawberry.mutation(permission_classes=[requires("categories:delete"), ON])
    async def delete_content_tag(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await TagService(info.context.platform).delete_tag(parse_id(id))
        return True
