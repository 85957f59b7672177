"""Discount codes. ``usage_count <= usage_limit`` is a database rule as well as a service one."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped


class Discount(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_discounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("usage_count >= 0", name="usage_count_not_negative"),
        CheckConstraint(
            "usage_limit IS NULL OR usage_count <= usage_limit", name="usage_within_limit"
        ),
    )

    # Stored upper case; codes are matched case-insensitively.
    code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="percentage")
    # Percent (1..100) for "percentage", minor units of currency_code for "fixed".
    value: Mapped[int] = mapped_column(BigInteger)
    currency_code: Mapped[str | None] = mapped_column(String(3))
    min_subtotal: Mapped[int | None] = mapped_column(BigInteger)
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[dt.datetime | None] = mapped_column()
    ends_at: Mapped[dt.datetime | None] = mapped_column()
    is_active: Mapped[bool] = mapped_column(default=True)
