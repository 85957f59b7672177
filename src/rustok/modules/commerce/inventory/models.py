"""Stock: locations, levels per (variant, location) and the reservations of orders (CO-3).

``available = stocked - reserved``. A ``deny`` variant never reserves beyond what is
available; a ``continue`` variant may (a backorder), so its available count can go below
zero. Reservations remember which level each order took its units from, so cancelling
releases exactly those units and shipping takes them off the shelf.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped, utcnow

DEFAULT_LOCATION_CODE = "default"
DEFAULT_LOW_STOCK_THRESHOLD = 5


class StockLocation(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_stock_locations"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    is_default: Mapped[bool] = mapped_column(default=False)
    address: Mapped[dict[str, Any] | None] = mapped_column()


class InventoryLevel(HasId, TenantScoped, Base):
    __tablename__ = "commerce_inventory_levels"
    __table_args__ = (
        UniqueConstraint("variant_id", "location_id"),
        CheckConstraint("stocked >= 0", name="stocked_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    )

    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_variants.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_stock_locations.id", ondelete="CASCADE"), index=True
    )
    stocked: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    low_stock_threshold: Mapped[int] = mapped_column(Integer, default=DEFAULT_LOW_STOCK_THRESHOLD)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Reservation(HasId, TenantScoped, Base):
    """Units of one level held for one order: ``held`` → ``released`` or ``fulfilled``."""

    __tablename__ = "commerce_reservations"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_orders.id", ondelete="CASCADE"), index=True
    )
    level_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_inventory_levels.id", ondelete="CASCADE"), index=True
    )
    variant_id: Mapped[uuid.UUID] = mapped_column()
    location_id: Mapped[uuid.UUID] = mapped_column()
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="held")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column()
