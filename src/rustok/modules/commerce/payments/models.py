"""Payments of orders, one per checkout, moved through the provider interface."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped


class Payment(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_payments"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_orders.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    amount: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str] = mapped_column(String(3))
    # The provider's own ids for the authorisation, the capture and the refund.
    provider_reference: Mapped[str | None] = mapped_column(String(255))
    capture_reference: Mapped[str | None] = mapped_column(String(255))
    refund_reference: Mapped[str | None] = mapped_column(String(255))
    failure_reason: Mapped[str | None] = mapped_column(String(500))
