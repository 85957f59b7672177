"""The catalogue's variants as inventory sees them (inventory/items.py ``StockItems``)."""

from __future__ import annotations

import uuid

from sqlalchemy import ScalarSelect, SQLColumnExpression, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.modules.commerce.catalog.models import Variant
from rustok.modules.commerce.inventory.items import StockItem


class CatalogueStockItems:
    async def find(self, session: AsyncSession, variant_id: uuid.UUID) -> StockItem | None:
        variant = await session.get(Variant, variant_id)
        if variant is None:
            return None
        return StockItem(
            variant_id=variant.id, product_id=variant.product_id, sku=variant.sku,
            policy=variant.inventory_policy,
        )  # fmt: skip

    def product_id_of(self, variant_id: SQLColumnExpression[uuid.UUID]) -> ScalarSelect[uuid.UUID]:
        return select(Variant.product_id).where(Variant.id == variant_id).scalar_subquery()


STOCK_ITEMS = CatalogueStockItems()
