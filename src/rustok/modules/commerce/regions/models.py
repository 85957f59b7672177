"""Regions (a currency, countries, a tax rate) and flat-rate shipping methods."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped


class Region(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_regions"
    __table_args__ = (
        CheckConstraint("tax_rate_bps >= 0 AND tax_rate_bps <= 10000", name="tax_rate_range"),
    )

    name: Mapped[str] = mapped_column(String(255))
    currency_code: Mapped[str] = mapped_column(String(3))
    tax_rate_bps: Mapped[int] = mapped_column(Integer, default=0)
    # ISO 3166 alpha-2 codes, upper case.
    countries: Mapped[list[Any]] = mapped_column(default=list)


class ShippingMethod(HasId, TenantScoped, Timestamped, Base):
    """A flat rate in one currency, for one region or (``region_id`` NULL) everywhere."""

    __tablename__ = "commerce_shipping_methods"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    region_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commerce_regions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    currency_code: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    is_active: Mapped[bool] = mapped_column(default=True)
