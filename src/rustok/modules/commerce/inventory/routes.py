"""REST: stock locations and a variant's stock (``/api/commerce``)."""

from __future__ import annotations

import uuid

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.modules.commerce.inventory.schemas import (
    InventoryAdjust,
    InventorySet,
    StockLocationCreate,
    StockLocationList,
    StockLocationRead,
    VariantInventoryRead,
)


class StockLocationController(Controller):
    path = "/api/commerce/stock-locations"
    tags = ["commerce: inventory"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", permission=perm.INVENTORY_LIST, graphql_twin="stockLocations")
    async def list_locations(self, commerce: Commerce) -> StockLocationList:
        """Stock locations, the tenant's default one first (created on first use)."""
        return StockLocationList(items=await commerce.inventory.list_locations())

    @post(
        "/", permission=perm.INVENTORY_CREATE, status_code=201, graphql_twin="createStockLocation"
    )
    async def create_location(
        self, commerce: Commerce, data: JSONBody[StockLocationCreate]
    ) -> StockLocationRead:
        """Add a stock location (code unique per tenant; ``default`` is reserved)."""
        return await commerce.inventory.create_location(data)


class InventoryController(Controller):
    path = "/api/commerce/variants"
    tags = ["commerce: inventory"]
    dependencies = COMMERCE_DEPENDENCIES

    @get(
        "/{variant_id:uuid}/inventory",
        permission=perm.INVENTORY_READ,
        graphql_twin="variantInventory",
    )
    async def get_inventory(
        self, commerce: Commerce, variant_id: FromPath[uuid.UUID]
    ) -> VariantInventoryRead:
        """Per location: stocked, reserved, available."""
        return await commerce.inventory.get(variant_id)

    @post(
        "/{variant_id:uuid}/inventory/adjust",
        permission=perm.INVENTORY_UPDATE,
        status_code=200,
        graphql_twin="adjustInventory",
    )
    async def adjust(
        self, commerce: Commerce, variant_id: FromPath[uuid.UUID], data: JSONBody[InventoryAdjust]
    ) -> VariantInventoryRead:
        """Add (or remove, negative) units; 409 INSUFFICIENT_INVENTORY below what is held."""
        return await commerce.inventory.adjust(variant_id, data)

    @post(
        "/{variant_id:uuid}/inventory/set",
        permission=perm.INVENTORY_UPDATE,
        status_code=200,
        graphql_twin="setInventory",
    )
    async def set_quantity(
        self, commerce: Commerce, variant_id: FromPath[uuid.UUID], data: JSONBody[InventorySet]
    ) -> VariantInventoryRead:
        """Set the stocked units (and optionally the low-stock threshold) at a location."""
        return await commerce.inventory.set(variant_id, data)
