"""What inventory knows of a variant, and how it learns it.

Inventory sits below the catalogue and imports none of it: it keeps stock by variant id.
Where it needs more — a variant's product (for events), SKU and backorder policy — it asks
through :class:`StockItems`, which the catalogue implements (catalog/stock_items.py) and
the code above both hands in (orders, the runtime).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ScalarSelect, SQLColumnExpression
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True)
class StockItem:
    """A variant as inventory sees it."""

    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    policy: str  # "deny" or "continue"


class StockItems(Protocol):
    """The catalogue's variants, for inventory."""

    async def find(self, session: AsyncSession, variant_id: uuid.UUID) -> StockItem | None:
        """The variant (one query), or None when the tenant has no such variant."""
        ...

    def product_id_of(self, variant_id: SQLColumnExpression[uuid.UUID]) -> ScalarSelect[uuid.UUID]:
        """A correlated subquery: the product of the variant ``variant_id`` names."""
        ...
