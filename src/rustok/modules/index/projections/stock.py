"""Stock changes patch a listing's stock fields instead of projecting its whole product.

A checkout raises ``inventory.updated`` for every level it reserves, and re-reading the whole
product (ten statements, then the listing, its search entry and prices rewritten per
locale) cost most of the consumer's work for a change of one number. Stock shows in a
listing only as each variant's ``available_quantity`` and ``in_stock`` and the listing's
``total_inventory`` and ``in_stock``; everything they depend on besides the stock (the
variant's prices and policy) is in the listing already and kept current by the events that
change it. So the patch reads the variants' availability and rewrites those fields — the
same for every locale — in one statement.

When the listing does not hold what the patch needs (its locales disagree, or the changed
variant is not in it yet), the caller projects the product instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import utcnow
from rustok.modules.commerce.interface import available_by_variant
from rustok.modules.index.store import ListingStore


def stock_fields(prices: Sequence[Any], policy: str, available: int) -> tuple[int, bool]:
    """A variant's listed ``available_quantity`` and ``in_stock``: priced, and in stock or
    backorderable (a backorder's negative availability shows as 0)."""
    quantity = max(available, 0)
    return quantity, bool(prices) and (policy == "continue" or quantity > 0)


class StockPatcher:
    """Rewrites the stock fields of a product's listings from the current stock levels."""

    def __init__(self, session: AsyncSession, tenant_id: uuid.UUID) -> None:
        self._session = session
        self._store = ListingStore(session, tenant_id)

    async def patch(self, product_id: uuid.UUID, variant_id: uuid.UUID) -> bool:
        """True when the listings are current (patched, or none to patch); False when the
        product must be projected instead."""
        await self._store.serialise("products")
        read_at = utcnow()
        listed = await self._store.listed_variants(product_id)
        if not listed:
            return True  # not listed: nothing shows its stock
        variants = listed[0]
        if any(other != variants for other in listed[1:]):
            return False
        ids = [uuid.UUID(v["id"]) for v in variants]
        if variant_id not in ids:
            return False
        available = await available_by_variant(self._session, ids)
        patched = []
        for entry, variant in zip(variants, ids, strict=True):
            quantity, in_stock = stock_fields(
                entry["prices"], entry["inventory_policy"], available.get(variant, 0)
            )
            patched.append({**entry, "available_quantity": quantity, "in_stock": in_stock})
        await self._store.put_stock(product_id, patched, read_at)
        return True
