"""Customer addresses. A customer is a user with the ``customer`` role (auth owns users)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped


class CustomerAddress(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_customer_addresses"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    first_name: Mapped[str] = mapped_column(String(255))
    last_name: Mapped[str] = mapped_column(String(255))
    company: Mapped[str | None] = mapped_column(String(255))
    address1: Mapped[str] = mapped_column(String(255))
    address2: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(255))
    province: Mapped[str | None] = mapped_column(String(255))
    postal_code: Mapped[str] = mapped_column(String(64))
    country_code: Mapped[str] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(64))
    is_default: Mapped[bool] = mapped_column(default=False)
