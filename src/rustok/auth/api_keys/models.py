"""``api_keys``: one row per key; the key itself is never stored, only its SHA-256 (K-1)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped


class ApiKey(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the key (``rk_live_Ab3D``), so people can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # ``resource:action`` strings, never wider than the creator's when created.
    permissions: Mapped[list[Any]] = mapped_column()
    # Deleting the creator deletes their keys; demoting or banning narrows or ends them.
    created_by: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_by: Mapped[uuid.UUID | None] = mapped_column()
    # Written in batches (usage.py), not on every request.
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    last_used_ip: Mapped[str | None] = mapped_column(String(64))
