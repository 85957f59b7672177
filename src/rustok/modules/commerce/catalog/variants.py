"""Variants of a product: create, read, update, delete, and replace their base prices."""

from __future__ import annotations

import uuid

from msgspec import UNSET
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from rustok.core.db import utcnow
from rustok.core.errors import Conflict, NotFound
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.catalog.models import Product, Variant, VariantOptionValue
from rustok.modules.commerce.catalog.queries import variant_reads
from rustok.modules.commerce.catalog.schemas import (
    PriceInput,
    VariantCreate,
    VariantList,
    VariantRead,
    VariantUpdate,
)
from rustok.modules.commerce.catalog.service import load_product, unique_violation
from rustok.modules.commerce.catalog.writes import (
    create_variant_row,
    ensure_skus_free,
    ensure_unique_options,
    replace_base_prices,
    resolve_option_values,
)
from rustok.modules.commerce.events import VariantDeleted, VariantUpdated
from rustok.modules.commerce.inventory.models import InventoryLevel, Reservation


async def load_variant(uow: UnitOfWork, variant_id: uuid.UUID) -> Variant:
    variant = await uow.session.scalar(
        select(Variant).where(Variant.id == variant_id).with_for_update()
    )
    if variant is None:
        raise NotFound("no such variant")
    return variant


class VariantService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def _commit_read(self, uow: UnitOfWork, variant: Variant) -> VariantRead:
        try:
            await uow.session.flush()
        except IntegrityError as exc:
            raise unique_violation(exc) from None
        (read,) = await variant_reads(uow.session, [variant])
        await uow.commit()
        return read

    async def list_for_product(self, product_id: uuid.UUID) -> VariantList:
        async with self._platform.db.read_session() as session:
            rows = list(
                await session.scalars(
                    select(Variant)
                    .where(Variant.product_id == product_id)
                    .order_by(Variant.position, Variant.id)
                )
            )
            if not rows and await session.get(Product, product_id) is None:
                raise NotFound("no such product")
            return VariantList(items=await variant_reads(session, rows))

    async def get(self, variant_id: uuid.UUID) -> VariantRead:
        async with self._platform.db.read_session() as session:
            variant = await session.get(Variant, variant_id)
            if variant is None:
                raise NotFound("no such variant")
            (read,) = await variant_reads(session, [variant])
            return read

    async def create(self, product_id: uuid.UUID, data: VariantCreate) -> VariantRead:
        async with self._platform.uow() as uow:
            product = await load_product(uow, product_id, lock=True)
            await ensure_skus_free(uow.session, [data.sku], None)
            count = await uow.session.scalar(
                select(func.count()).select_from(Variant).where(Variant.product_id == product.id)
            )
            variant = await create_variant_row(uow, product.id, data, count or 0)
            product.updated_at = utcnow()
            return await self._commit_read(uow, variant)

    async def update(self, variant_id: uuid.UUID, data: VariantUpdate) -> VariantRead:
        async with self._platform.uow() as uow:
            variant = await load_variant(uow, variant_id)
            if data.sku is not UNSET and data.sku != variant.sku:
                await ensure_skus_free(uow.session, [data.sku], variant.id)
                variant.sku = data.sku
            for field in ("title", "barcode", "weight_grams", "length_mm", "width_mm",
                          "height_mm", "inventory_policy", "position"):  # fmt: skip
                value = getattr(data, field)
                if value is not UNSET:
                    setattr(variant, field, value)
            if data.options is not UNSET:
                value_ids = await resolve_option_values(
                    uow.session, variant.product_id, dict(data.options)
                )
                await ensure_unique_options(uow.session, variant.product_id, value_ids, variant.id)
                await uow.session.execute(
                    delete(VariantOptionValue)
                    .where(VariantOptionValue.variant_id == variant.id)
                    .execution_options(synchronize_session=False)
                )
                uow.session.add_all(
                    VariantOptionValue(variant_id=variant.id, option_value_id=v) for v in value_ids
                )
            variant.updated_at = utcnow()
            uow.publish(VariantUpdated(product_id=variant.product_id, variant_id=variant.id))
            return await self._commit_read(uow, variant)

    async def set_prices(self, variant_id: uuid.UUID, prices: list[PriceInput]) -> VariantRead:
        async with self._platform.uow() as uow:
            variant = await load_variant(uow, variant_id)
            await replace_base_prices(uow, variant, prices)
            variant.updated_at = utcnow()
            return await self._commit_read(uow, variant)

    async def delete(self, variant_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            variant = await load_variant(uow, variant_id)
            siblings = await uow.session.scalar(
                select(func.count())
                .select_from(Variant)
                .where(Variant.product_id == variant.product_id)
            )
            if (siblings or 0) <= 1:
                raise Conflict("a product keeps at least one variant", code="LAST_VARIANT")
            held = await uow.session.scalar(
                select(func.count())
                .select_from(Reservation)
                .join(InventoryLevel, InventoryLevel.id == Reservation.level_id)
                .where(InventoryLevel.variant_id == variant.id, Reservation.status == "held")
            )
            if held:
                raise Conflict("open orders hold stock of this variant", code="VARIANT_RESERVED")
            await uow.session.delete(variant)
            uow.publish(VariantDeleted(product_id=variant.product_id, variant_id=variant.id))
            await uow.commit()
