"""Bodies of the inventory API: stock locations, levels per location, adjust and set."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from rustok.modules.commerce.fields import (
    Address,
    StockDelta,
    StockQuantity,
    Text,
    Threshold,
)

LocationCode = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        pattern=r"^(?!default$)[a-z0-9][a-z0-9_-]*$",
        description="lower-case code; 'default' is the tenant's own default location",
    ),
]


class StockLocationCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: LocationCode
    name: Text
    address: Address | None = None


class InventoryAdjust(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Add (or with a negative delta remove) units at a location (default: the default one)."""

    delta: StockDelta
    location_id: uuid.UUID | None = None


class InventorySet(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    quantity: StockQuantity
    location_id: uuid.UUID | None = None
    low_stock_threshold: Threshold | None = None


class StockLocationRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    code: str
    name: str
    is_default: bool
    address: dict[str, str | None] | None
    created_at: dt.datetime


class StockLocationList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[StockLocationRead]


class LocationLevelRead(msgspec.Struct, frozen=True, kw_only=True):
    location_id: uuid.UUID
    location_code: str
    location_name: str
    stocked: int
    reserved: int
    available: int
    low_stock_threshold: int


class VariantInventoryRead(msgspec.Struct, frozen=True, kw_only=True):
    variant_id: uuid.UUID
    sku: str
    inventory_policy: str
    stocked: int
    reserved: int
    available: int
    locations: list[LocationLevelRead]
