"""Pages tables: menus and their nested items (pages themselves are content nodes of kind
``page``, their blocks a JSON body per locale, written through ``content.interface``)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped
from rustok.modules.pages.events import MenuLocation


def menu_location(value: str) -> MenuLocation:
    """A stored location as its type (the table's check constraint allows no other)."""
    match value:
        case "header" | "footer" | "sidebar" | "mobile":
            return value
    raise ValueError(f"unknown menu location {value!r}")


class Menu(HasId, TenantScoped, Timestamped, Base):
    """One menu per location (header, footer, sidebar, mobile) and tenant."""

    __tablename__ = "page_menus"
    __table_args__ = (
        UniqueConstraint("tenant_id", "location"),
        CheckConstraint("location IN ('header', 'footer', 'sidebar', 'mobile')", name="location"),
    )

    name: Mapped[str] = mapped_column(String(255))
    location: Mapped[str] = mapped_column(String(16))


class MenuItem(HasId, TenantScoped, Base):
    """A link (URL or page) with a label per locale; items nest under ``parent_id``."""

    __tablename__ = "page_menu_items"

    menu_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("page_menus.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("page_menu_items.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    url: Mapped[str | None] = mapped_column(String(2048))
    page_id: Mapped[uuid.UUID | None] = mapped_column()
