"""REST: stock locations and a variant's stock (``/api/commerce``)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.inventory.schemas import (
    InventoryAdjust,
    InventorySet,
    StockLocationCreate,
    StockLocationList,
    StockLocationRead,
    VariantInventoryRead,
)
from rustok.modules.commerce.inventory.service import InventoryService

Inventory = NamedDependency[InventoryService]


class StockLocationController(Controller):
    path = "/api/commerce/stock-locations"
    tags = ["commerce: inventory"]

    @get("/", permission=perm.INVENTORY_LIST)
    async def list_locations(self, inventory: Inventory) -> StockLocationList:
        """Stock locations, the tenant's default one first (created on first use)."""
        return StockLocationList(items=await inventory.list_locations())

    @post("/", permission=perm.INVENTORY_CREATE, status_code=201)
    async def create_location(
        self, inventory: Inventory, data: JSONBody[StockLocationCreate]
    ) -> StockLocationRead:
        """Add a stock location (code unique per tenant; ``default`` is reserved)."""
        return await inventory.create_location(data)


class InventoryController(Controller):
    path = "/api/commerce/variants"
    tags = ["commerce: inventory"]

    @get("/{variant_id:uuid}/inventory", permission=perm.INVENTORY_READ)
    async def get_inventory(
        self, inventory: Inventory, variant_id: FromPath[uuid.UUID]
    ) -> VariantInventoryRead:
        """Per location: stocked, reserved, available."""
        return await inventory.get(variant_id)

    @post("/{variant_id:uuid}/inventory/adjust", permission=perm.INVENTORY_UPDATE, status_code=200)
    async def adjust(
        self, inventory: Inventory, variant_id: FromPath[uuid.UUID], data: JSONBody[InventoryAdjust]
    ) -> VariantInventoryRead:
        """Add (or remove, negative) units; 409 INSUFFICIENT_INVENTORY below what is held."""
        return await inventory.adjust(variant_id, data)

    @post("/{variant_id:uuid}/inventory/set", permission=perm.INVENTORY_UPDATE, status_code=200)
    async def set_quantity(
        self, inventory: Inventory, variant_id: FromPath[uuid.UUID], data: JSONBody[InventorySet]
    ) -> VariantInventoryRead:
        """Set the stocked units (and optionally the low-stock threshold) at a location."""
        return await inventory.set(variant_id, data)
