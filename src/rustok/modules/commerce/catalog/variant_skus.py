"""Variants by SKU and SKUs by variant, for forms that name variants by their SKU (the
admin's price-list prices): one statement each way."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select

from rustok.core.platform import Platform
from rustok.modules.commerce.catalog.models import Variant


class VariantSkus:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def ids_of(self, skus: Collection[str]) -> dict[str, uuid.UUID]:
        """The tenant's variants with these SKUs (unknown ones are left out)."""
        if not skus:
            return {}
        async with self._platform.db.read_session() as session:
            found = await session.execute(
                select(Variant.sku, Variant.id).where(Variant.sku.in_(set(skus)))
            )
            return {sku: variant_id for sku, variant_id in found}

    async def skus_of(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        async with self._platform.db.read_session() as session:
            found = await session.execute(
                select(Variant.id, Variant.sku).where(Variant.id.in_(set(ids)))
            )
            return {variant_id: sku for variant_id, sku in found}
