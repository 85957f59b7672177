"""Categories with names per locale (C-2)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import utcnow
from rustok.core.errors import ValidationFailed
from rustok.core.ids import new_id
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.content.errors import CategoryNotFound, UnknownReference
from rustok.modules.content.events import CategoryCreated, CategoryDeleted, CategoryUpdated
from rustok.modules.content.locales import pick
from rustok.modules.content.models import Category, CategoryTranslation
from rustok.modules.content.taxonomy.names import name_reads, upsert_names
from rustok.modules.content.taxonomy.schemas import (
    CategoryCreate,
    CategoryPage,
    CategoryRead,
    CategoryUpdate,
)


class CategoryService:
    """Categories of the current tenant."""

    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def _category_reads(
        self, session: AsyncSession, categories: Sequence[Category], chain: Sequence[str]
    ) -> list[CategoryRead]:
        names: dict[uuid.UUID, list[CategoryTranslation]] = defaultdict(list)
        ids = [c.id for c in categories]
        for row in await session.scalars(
            select(CategoryTranslation).where(CategoryTranslation.category_id.in_(ids))
        ):
            names[row.category_id].append(row)
        reads = []
        for category in categories:
            translations = name_reads(names[category.id])
            shown = pick(translations, chain, lambda t: t.locale)
            assert shown is not None  # a category is created with a name
            reads.append(
                CategoryRead(
                    id=category.id,
                    parent_id=category.parent_id,
                    position=category.position,
                    locale=shown.locale,
                    name=shown.name,
                    slug=shown.slug,
                    description=shown.description,
                    translations=translations,
                    created_at=category.created_at,
                    updated_at=category.updated_at,
                )
            )
        return reads

    async def list_categories(
        self, chain: Sequence[str], *, parent_id: uuid.UUID | None, page: int, per_page: int
    ) -> CategoryPage:
        conditions = [] if parent_id is None else [Category.parent_id == parent_id]
        async with self._platform.db.read_session() as session:
            total = await session.scalar(
                select(func.count()).select_from(Category).where(*conditions)
            )
            rows = await session.scalars(
                select(Category)
                .where(*conditions)
                .order_by(Category.position, Category.created_at, Category.id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            items = await self._category_reads(session, list(rows), chain)
        return CategoryPage(items=items, page=page, per_page=per_page, total=int(total or 0))

    async def get_category(self, category_id: uuid.UUID, chain: Sequence[str]) -> CategoryRead:
        async with self._platform.db.read_session() as session:
            category = await session.get(Category, category_id)
            if category is None:
                raise CategoryNotFound(f"no category {category_id}")
            return (await self._category_reads(session, [category], chain))[0]

    async def _parent(self, uow: UnitOfWork, parent_id: uuid.UUID | None, own: uuid.UUID) -> None:
        seen = {own}
        current = parent_id
        while current is not None:  # walk up: categories are shallow, and loops are refused
            if current in seen:
                raise ValidationFailed(
                    errors={"parent_id": ["a category cannot be its own ancestor"]}
                )
            seen.add(current)
            row = await uow.session.get(Category, current)
            if row is None:
                raise UnknownReference(errors={"parent_id": [f"no category {current}"]})
            current = row.parent_id

    async def create_category(self, data: CategoryCreate, chain: Sequence[str]) -> CategoryRead:
        async with self._platform.uow() as uow:
            category = Category(id=new_id(), parent_id=data.parent_id, position=data.position)
            await self._parent(uow, data.parent_id, category.id)
            uow.session.add(category)
            await uow.session.flush()
            await upsert_names(
                uow.session, CategoryTranslation, category.id, data.translations, 255
            )
            uow.publish(CategoryCreated(category_id=category.id))
            await uow.commit()
        return await self.get_category(category.id, chain)

    async def update_category(
        self, category_id: uuid.UUID, data: CategoryUpdate, chain: Sequence[str]
    ) -> CategoryRead:
        async with self._platform.uow() as uow:
            category = await uow.session.get(Category, category_id, with_for_update=True)
            if category is None:
                raise CategoryNotFound(f"no category {category_id}")
            if not isinstance(data.parent_id, msgspec.UnsetType):
                await self._parent(uow, data.parent_id, category.id)
                category.parent_id = data.parent_id
            if not isinstance(data.position, msgspec.UnsetType):
                category.position = data.position
            if not isinstance(data.translations, msgspec.UnsetType):
                await upsert_names(
                    uow.session, CategoryTranslation, category.id, data.translations, 255
                )
            category.updated_at = utcnow()
            uow.publish(CategoryUpdated(category_id=category.id))
            await uow.commit()
        return await self.get_category(category_id, chain)

    async def delete_category(self, category_id: uuid.UUID) -> None:
        """Delete a category; its nodes and child categories lose it (no cascade of content)."""
        async with self._platform.uow() as uow:
            category = await uow.session.get(Category, category_id, with_for_update=True)
            if category is None:
                raise CategoryNotFound(f"no category {category_id}")
            await uow.session.delete(category)  # the database unsets children's and nodes' links
            uow.publish(CategoryDeleted(category_id=category_id))
            await uow.commit()
