"""Whole products as they stand, for projections (the index module's read models).

Read in the caller's session, so a projector's read and its write share one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.modules.commerce.catalog.models import Category, Product
from rustok.modules.commerce.catalog.queries import product_reads
from rustok.modules.commerce.catalog.schemas import ProductRead

# A category tree deeper than this is a bug (create/update refuse cycles); stop anyway.
MAX_CATEGORY_DEPTH = 32


class CategoryNode(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    handle: str
    name: str


async def product_ids(session: AsyncSession, status: str | None = None) -> list[uuid.UUID]:
    """Ids of the tenant's products (in ``status`` when given)."""
    statement = select(Product.id)
    if status is not None:
        statement = statement.where(Product.status == status)
    return list(await session.scalars(statement))


async def product_snapshots(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ProductRead]:
    """The products of ``product_ids`` that exist, in any status (ten statements)."""
    if not product_ids:
        return {}
    products = list(await session.scalars(select(Product).where(Product.id.in_(set(product_ids)))))
    return {read.id: read for read in await product_reads(session, products)}


async def category_lineage(
    session: AsyncSession, category_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, CategoryNode]:
    """The categories of ``category_ids`` and all their ancestors (one statement per level)."""
    found: dict[uuid.UUID, CategoryNode] = {}
    wanted = set(category_ids)
    for _ in range(MAX_CATEGORY_DEPTH):
        if not wanted:
            break
        rows = await session.execute(
            select(Category.id, Category.parent_id, Category.handle, Category.name).where(
                Category.id.in_(wanted)
            )
        )
        for category_id, parent_id, handle, name in rows.tuples():
            found[category_id] = CategoryNode(
                id=category_id, parent_id=parent_id, handle=handle, name=name
            )
        wanted = {n.parent_id for n in found.values() if n.parent_id is not None} - set(found)
    return found
