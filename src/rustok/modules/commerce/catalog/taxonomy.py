"""Categories (a tree) and collections (flat, curated) of products."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec
from msgspec import UNSET
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import fetch_page
from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.platform import Platform
from rustok.modules.commerce.catalog.models import Category, Collection
from rustok.modules.commerce.catalog.writes import slugify
from rustok.modules.commerce.errors import DuplicateHandle
from rustok.modules.commerce.events import (
    CatalogCategoryDeleted,
    CatalogCategoryUpdated,
    CollectionDeleted,
)
from rustok.modules.commerce.fields import Handle, LongText, Position, Text

MAX_DEPTH = 16


class CategoryCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text
    handle: Handle | None = None
    description: LongText | None = None
    parent_id: uuid.UUID | None = None
    position: Position = 0


class CategoryUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text | msgspec.UnsetType = UNSET
    handle: Handle | msgspec.UnsetType = UNSET
    description: LongText | msgspec.UnsetType | None = UNSET
    parent_id: uuid.UUID | msgspec.UnsetType | None = UNSET
    position: Position | msgspec.UnsetType = UNSET


class CollectionCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    title: Text
    handle: Handle | None = None
    description: LongText | None = None


class CollectionUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    title: Text | msgspec.UnsetType = UNSET
    handle: Handle | msgspec.UnsetType = UNSET
    description: LongText | msgspec.UnsetType | None = UNSET


class CategoryRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    handle: str
    name: str
    description: str | None
    parent_id: uuid.UUID | None
    position: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CollectionRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    handle: str
    title: str
    description: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CategoryPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[CategoryRead]
    page: int
    per_page: int
    total: int


class CollectionPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[CollectionRead]
    page: int
    per_page: int
    total: int


def to_category_read(row: Category) -> CategoryRead:
    return CategoryRead(
        id=row.id, handle=row.handle, name=row.name, description=row.description,
        parent_id=row.parent_id, position=row.position, created_at=row.created_at,
        updated_at=row.updated_at,
    )  # fmt: skip


def to_collection_read(row: Collection) -> CollectionRead:
    return CollectionRead(
        id=row.id, handle=row.handle, title=row.title, description=row.description,
        created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


class TaxonomyService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def list_categories(self, page: int, per_page: int) -> CategoryPage:
        async with self._platform.db.read_session() as session:
            rows, total = await fetch_page(
                session, select(Category).order_by(Category.position, Category.handle),
                page=page, per_page=per_page,
            )  # fmt: skip
        items = [to_category_read(r) for r in rows]
        return CategoryPage(items=items, page=page, per_page=per_page, total=total)

    async def get_category(self, category_id: uuid.UUID) -> CategoryRead:
        async with self._platform.db.read_session() as session:
            row = await session.get(Category, category_id)
            if row is None:
                raise NotFound("no such category")
            return to_category_read(row)

    async def _check_parent(
        self, session: AsyncSession, category_id: uuid.UUID | None, parent_id: uuid.UUID
    ) -> None:
        current: uuid.UUID | None = parent_id
        for _ in range(MAX_DEPTH):
            if current is None:
                return
            if current == category_id:
                raise ValidationFailed(
                    errors={"parent_id": ["a category cannot be its own ancestor"]}
                )
            row = await session.get(Category, current)
            if row is None:
                raise ValidationFailed(errors={"parent_id": ["no such category"]})
            current = row.parent_id
        raise ValidationFailed(errors={"parent_id": [f"categories nest at most {MAX_DEPTH} deep"]})

    async def create_category(self, data: CategoryCreate) -> CategoryRead:
        async with self._platform.uow() as uow:
            if data.parent_id is not None:
                await self._check_parent(uow.session, None, data.parent_id)
            row = Category(
                handle=data.handle or slugify(data.name), name=data.name,
                description=data.description, parent_id=data.parent_id, position=data.position,
            )  # fmt: skip
            uow.session.add(row)
            await self._flush_handle(uow.session)
            result = to_category_read(row)
            uow.publish(CatalogCategoryUpdated(category_id=row.id))
            await uow.commit()
        return result

    @staticmethod
    async def _flush_handle(session: AsyncSession) -> None:
        try:
            await session.flush()
        except IntegrityError:
            raise DuplicateHandle("handle already in use", errors={"handle": ["taken"]}) from None

    async def update_category(self, category_id: uuid.UUID, data: CategoryUpdate) -> CategoryRead:
        async with self._platform.uow() as uow:
            row = await uow.session.get(Category, category_id, with_for_update=True)
            if row is None:
                raise NotFound("no such category")
            if data.parent_id is not UNSET:
                if data.parent_id is not None:
                    await self._check_parent(uow.session, row.id, data.parent_id)
                row.parent_id = data.parent_id
            for field in ("name", "handle", "description", "position"):
                value = getattr(data, field)
                if value is not UNSET:
                    setattr(row, field, value)
            await self._flush_handle(uow.session)
            result = to_category_read(row)
            uow.publish(CatalogCategoryUpdated(category_id=row.id))
            await uow.commit()
        return result

    async def delete_category(self, category_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            row = await uow.session.get(Category, category_id, with_for_update=True)
            if row is None:
                raise NotFound("no such category")
            # Children move up to the deleted category's parent.
            await uow.session.execute(
                update(Category)
                .where(Category.parent_id == row.id)
                .values(parent_id=row.parent_id)
                .execution_options(synchronize_session=False)
            )
            await uow.session.delete(row)
            uow.publish(CatalogCategoryDeleted(category_id=category_id))
            await uow.commit()

    async def list_collections(self, page: int, per_page: int) -> CollectionPage:
        async with self._platform.db.read_session() as session:
            rows, total = await fetch_page(
                session, select(Collection).order_by(Collection.handle), page=page,
                per_page=per_page,
            )  # fmt: skip
        items = [to_collection_read(r) for r in rows]
        return CollectionPage(items=items, page=page, per_page=per_page, total=total)

    async def get_collection(self, collection_id: uuid.UUID) -> CollectionRead:
        async with self._platform.db.read_session() as session:
            row = await session.get(Collection, collection_id)
            if row is None:
                raise NotFound("no such collection")
            return to_collection_read(row)

    async def create_collection(self, data: CollectionCreate) -> CollectionRead:
        async with self._platform.uow() as uow:
            row = Collection(
                handle=data.handle or slugify(data.title), title=data.title,
                description=data.description,
            )  # fmt: skip
            uow.session.add(row)
            await self._flush_handle(uow.session)
            result = to_collection_read(row)
            await uow.commit()
        return result

    async def update_collection(
        self, collection_id: uuid.UUID, data: CollectionUpdate
    ) -> CollectionRead:
        async with self._platform.uow() as uow:
            row = await uow.session.get(Collection, collection_id, with_for_update=True)
            if row is None:
                raise NotFound("no such collection")
            for field in ("title", "handle", "description"):
                value = getattr(data, field)
                if value is not UNSET:
                    setattr(row, field, value)
            await self._flush_handle(uow.session)
            result = to_collection_read(row)
            await uow.commit()
        return result

    async def delete_collection(self, collection_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            row = await uow.session.get(Collection, collection_id, with_for_update=True)
            if row is None:
                raise NotFound("no such collection")
            await uow.session.delete(row)
            # Its memberships go with it (ON DELETE CASCADE): listings name the collection.
            uow.publish(CollectionDeleted(collection_id=collection_id))
            await uow.commit()
