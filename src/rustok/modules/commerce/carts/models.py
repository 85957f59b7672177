"""Carts and their line items. Prices are not stored: a cart shows today's prices."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped

CART_STATUSES = ("open", "completed", "abandoned")


class Cart(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_carts"
    __table_args__ = (Index(None, "status", "updated_at"),)  # the idle-cart job's scan

    # A bearer secret for anonymous access (X-Cart-Token); 43 url-safe characters.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(255))
    currency_code: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="open")
    region_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commerce_regions.id", ondelete="SET NULL")
    )
    shipping_method_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commerce_shipping_methods.id", ondelete="SET NULL")
    )
    discount_code: Mapped[str | None] = mapped_column(String(64))
    # Where it ships (ISO 3166): picks the region, hence the tax rate and shipping methods.
    country_code: Mapped[str | None] = mapped_column(String(2))
    # The order it became (not a foreign key: orders point at their cart).
    order_id: Mapped[uuid.UUID | None] = mapped_column()
    completed_at: Mapped[dt.datetime | None] = mapped_column()


class CartItem(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_cart_items"
    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    cart_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_carts.id", ondelete="CASCADE"), index=True
    )
    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_variants.id", ondelete="CASCADE"), index=True
    )
    quantity: Mapped[int] = mapped_column(Integer)
