"""Stock locations and a variant's stock per location: reads, adjust and set (CO-3).

``adjust`` adds a delta, ``set`` sets the stocked count; both lock the level row, refuse a
stocked count below zero, and for a ``deny`` variant refuse to go below the units already
reserved (that would be an oversell). Each change raises ``inventory.updated`` with its
location and, on a drop to or below the threshold, ``inventory.low``.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.modules.commerce.errors import DuplicateCode, InsufficientInventory
from rustok.modules.commerce.events import InventoryReason
from rustok.modules.commerce.inventory.items import StockItem, StockItems
from rustok.modules.commerce.inventory.models import InventoryLevel, StockLocation
from rustok.modules.commerce.inventory.schemas import (
    InventoryAdjust,
    InventorySet,
    LocationLevelRead,
    StockLocationCreate,
    StockLocationRead,
    VariantInventoryRead,
)
from rustok.modules.commerce.inventory.stock import (
    LevelChange,
    ensure_default_location,
    publish_level_change,
)
from rustok.modules.commerce.money import MAX_STOCK


def to_location_read(row: StockLocation) -> StockLocationRead:
    address: Any = row.address
    return StockLocationRead(
        id=row.id, code=row.code, name=row.name, is_default=row.is_default,
        address=address, created_at=row.created_at,
    )  # fmt: skip


async def variant_inventory(session: AsyncSession, item: StockItem) -> VariantInventoryRead:
    rows = (
        await session.execute(
            select(InventoryLevel, StockLocation)
            .join(StockLocation, StockLocation.id == InventoryLevel.location_id)
            .where(InventoryLevel.variant_id == item.variant_id)
            .order_by(StockLocation.is_default.desc(), StockLocation.code)
        )
    ).tuples()
    locations = [
        LocationLevelRead(
            location_id=location.id,
            location_code=location.code,
            location_name=location.name,
            stocked=level.stocked,
            reserved=level.reserved,
            available=level.stocked - level.reserved,
            low_stock_threshold=level.low_stock_threshold,
        )
        for level, location in rows
    ]
    stocked = sum(x.stocked for x in locations)
    reserved = sum(x.reserved for x in locations)
    return VariantInventoryRead(
        variant_id=item.variant_id, sku=item.sku, inventory_policy=item.policy,
        stocked=stocked, reserved=reserved, available=stocked - reserved, locations=locations,
    )  # fmt: skip


async def init_variant_stock(
    uow: UnitOfWork, variant_id: uuid.UUID, product_id: uuid.UUID, quantity: int | None
) -> None:
    """Every variant gets a level at the default location (stocked ``quantity`` or 0)."""
    location = await ensure_default_location(uow.session)
    level = InventoryLevel(
        variant_id=variant_id, location_id=location.id, stocked=quantity or 0, reserved=0
    )
    uow.session.add(level)
    await uow.session.flush()
    if quantity:
        publish_level_change(uow, LevelChange(level, product_id), "set", old_available=0)


class InventoryService:
    """Stock locations, and a variant's stock per location (the variant found through
    ``items``: the catalogue's)."""

    def __init__(self, platform: Platform, items: StockItems) -> None:
        self._platform = platform
        self._items = items

    async def list_locations(self) -> list[StockLocationRead]:
        async with self._platform.uow() as uow:
            await ensure_default_location(uow.session)
            rows = await uow.session.scalars(
                select(StockLocation).order_by(StockLocation.is_default.desc(), StockLocation.code)
            )
            result = [to_location_read(r) for r in rows]
            await uow.commit()
        return result

    async def create_location(self, data: StockLocationCreate) -> StockLocationRead:
        async with self._platform.uow() as uow:
            await ensure_default_location(uow.session)
            taken = await uow.session.scalar(
                select(StockLocation.id).where(StockLocation.code == data.code)
            )
            if taken is not None:
                raise DuplicateCode(f"location code {data.code!r} is taken")
            address = msgspec.to_builtins(data.address) if data.address else None
            row = StockLocation(code=data.code, name=data.name, is_default=False, address=address)
            uow.session.add(row)
            try:
                await uow.session.flush()
            except IntegrityError:
                raise DuplicateCode(f"location code {data.code!r} is taken") from None
            result = to_location_read(row)
            await uow.commit()
        return result

    async def get(self, variant_id: uuid.UUID) -> VariantInventoryRead:
        async with self._platform.db.read_session() as session:
            item = await self._items.find(session, variant_id)
            if item is None:
                raise NotFound("no such variant")
            return await variant_inventory(session, item)

    async def adjust(self, variant_id: uuid.UUID, data: InventoryAdjust) -> VariantInventoryRead:
        return await self._change(variant_id, data.location_id, delta=data.delta)

    async def set(self, variant_id: uuid.UUID, data: InventorySet) -> VariantInventoryRead:
        return await self._change(
            variant_id, data.location_id, quantity=data.quantity,
            threshold=data.low_stock_threshold,
        )  # fmt: skip

    async def _level(
        self, uow: UnitOfWork, item: StockItem, location_id: uuid.UUID | None
    ) -> InventoryLevel:
        session = uow.session
        if location_id is None:
            location_id = (await ensure_default_location(session)).id
        elif await session.get(StockLocation, location_id) is None:
            raise NotFound("no such stock location", errors={"location_id": ["not found"]})
        level = await session.scalar(
            select(InventoryLevel)
            .where(
                InventoryLevel.variant_id == item.variant_id,
                InventoryLevel.location_id == location_id,
            )
            .with_for_update()
        )
        if level is None:
            level = InventoryLevel(variant_id=item.variant_id, location_id=location_id, stocked=0)
            session.add(level)
            await session.flush()
        return level

    async def _change(
        self,
        variant_id: uuid.UUID,
        location_id: uuid.UUID | None,
        *,
        delta: int | None = None,
        quantity: int | None = None,
        threshold: int | None = None,
    ) -> VariantInventoryRead:
        async with self._platform.uow() as uow:
            item = await self._items.find(uow.session, variant_id)
            if item is None:
                raise NotFound("no such variant")
            level = await self._level(uow, item, location_id)
            old_available = level.stocked - level.reserved
            stocked = level.stocked + delta if delta is not None else quantity
            assert stocked is not None
            if stocked > MAX_STOCK:
                raise ValidationFailed(errors={"quantity": [f"at most {MAX_STOCK} units"]})
            floor = level.reserved if item.policy == "deny" else 0
            if stocked < max(floor, 0):
                raise InsufficientInventory(
                    [(item.variant_id, level.stocked - stocked, max(old_available, 0))]
                )
            level.stocked = stocked
            if threshold is not None:
                level.low_stock_threshold = threshold
            await uow.session.flush()
            reason: InventoryReason = "adjust" if delta is not None else "set"
            publish_level_change(
                uow, LevelChange(level, item.product_id), reason, old_available=old_available
            )
            result = await variant_inventory(uow.session, item)
            await uow.commit()
        return result
