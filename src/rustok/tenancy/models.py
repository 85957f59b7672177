"""Tenant tables. ``tenants`` itself is not tenant-scoped; its satellites are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.context import DEFAULT_TENANT_ID
from rustok.core.db import Base, HasId, TenantScoped, Timestamped

__all__ = ["DEFAULT_TENANT_ID", "DEFAULT_TENANT_SLUG", "Tenant", "TenantLocale", "TenantModule"]

DEFAULT_TENANT_SLUG = "default"


class Tenant(HasId, Timestamped, Base):
    __tablename__ = "tenants"

    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    default_locale: Mapped[str] = mapped_column(String(10), default="en")
    currency_code: Mapped[str] = mapped_column(String(3), default="USD")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)


class TenantLocale(HasId, TenantScoped, Base):
    __tablename__ = "tenant_locales"
    __table_args__ = (UniqueConstraint("tenant_id", "locale"),)

    locale: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(64), default="")
    native_name: Mapped[str] = mapped_column(String(64), default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    fallback_locale: Mapped[str | None] = mapped_column(String(10))


class TenantModule(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "tenant_modules"
    __table_args__ = (UniqueConstraint("tenant_id", "module_slug"),)

    module_slug: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    changed_at: Mapped[dt.datetime | None] = mapped_column()
