"""Idempotency records of checkout: the key, what it was sent with, and the order it made.

A key is scoped to its cart: a checkout always names its cart, and a retry goes to the same
one, so two customers (or two carts of one customer) may both send ``order-1``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, utcnow


class IdempotencyRecord(HasId, TenantScoped, Base):
    __tablename__ = "commerce_idempotency_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "cart_id", "key"),)

    key: Mapped[str] = mapped_column(String(255))
    cart_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_carts.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the canonical request body: the same key with another body is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_orders.id", ondelete="CASCADE")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
