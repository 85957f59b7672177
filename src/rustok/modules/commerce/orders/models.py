"""Orders, their lines, the history of their transitions, and per-tenant number sequences.

``display_number`` comes from ``commerce_sequences`` (orders/numbering.py): the counter row
is incremented inside the checkout's transaction, so a rolled-back checkout gives its number
back and numbers have no gaps.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped, utcnow


class Order(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_orders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "display_number"),
        Index(None, "status", "placed_at"),  # the expiry job's scan (commerce/jobs.py)
        CheckConstraint(
            "subtotal >= 0 AND tax_total >= 0 AND shipping_total >= 0 AND total >= 0",
            name="totals_not_negative",
        ),
        CheckConstraint(
            "discount_total >= 0 AND discount_total <= subtotal", name="discount_within_subtotal"
        ),
    )

    display_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    cart_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commerce_carts.id", ondelete="SET NULL"), index=True
    )
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str] = mapped_column(String(255))
    # The customer's language, chosen at checkout: the order's mails are written in it.
    locale: Mapped[str | None] = mapped_column(String(10))
    currency_code: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_total: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    shipping_total: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_rate_bps: Mapped[int] = mapped_column(Integer, default=0)
    discount_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commerce_discounts.id", ondelete="SET NULL")
    )
    discount_code: Mapped[str | None] = mapped_column(String(64))
    region_id: Mapped[uuid.UUID | None] = mapped_column()
    shipping_method_id: Mapped[uuid.UUID | None] = mapped_column()
    shipping_method_name: Mapped[str | None] = mapped_column(String(255))
    shipping_address: Mapped[dict[str, Any]] = mapped_column()
    billing_address: Mapped[dict[str, Any] | None] = mapped_column()
    payment_provider: Mapped[str] = mapped_column(String(32), default="manual")
    inventory_reserved: Mapped[bool] = mapped_column(default=False)
    # State data of the typed states (orders/state.py), persisted with the status.
    payment_id: Mapped[str | None] = mapped_column(String(255))
    tracking_number: Mapped[str | None] = mapped_column(String(255))
    carrier: Mapped[str | None] = mapped_column(String(255))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    refunded: Mapped[bool] = mapped_column(default=False)
    refund_id: Mapped[str | None] = mapped_column(String(255))
    placed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()
    paid_at: Mapped[dt.datetime | None] = mapped_column()
    shipped_at: Mapped[dt.datetime | None] = mapped_column()
    delivered_at: Mapped[dt.datetime | None] = mapped_column()
    cancelled_at: Mapped[dt.datetime | None] = mapped_column()


class OrderLine(HasId, TenantScoped, Base):
    """What was bought, frozen at checkout (titles and prices do not follow the catalogue)."""

    __tablename__ = "commerce_order_lines"

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_orders.id", ondelete="CASCADE"), index=True
    )
    variant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commerce_variants.id", ondelete="SET NULL"), index=True
    )
    product_id: Mapped[uuid.UUID | None] = mapped_column()
    sku: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(255))
    variant_title: Mapped[str | None] = mapped_column(String(255))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount_total: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer, default=0)


class OrderHistory(HasId, TenantScoped, Base):
    """One row per transition, with its data (payment id, tracking number, reason, …)."""

    __tablename__ = "commerce_order_history"

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_orders.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Sequence(HasId, TenantScoped, Base):
    """A per-tenant counter (``order``): incremented in the transaction that uses it."""

    __tablename__ = "commerce_sequences"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(32))
    last_value: Mapped[int] = mapped_column(Integer, default=0)
