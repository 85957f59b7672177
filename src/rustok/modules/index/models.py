"""The read models. Written only by the index projectors (and ``rustok reindex``).

One row per (entity, locale) for every enabled locale of the tenant: the projector resolves
locale fallback when it writes, so a storefront read is a plain equality on ``locale``.
Prices live in a narrow table per currency so lists can filter and sort on them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, utcnow


class ProductListing(HasId, TenantScoped, Base):
    __tablename__ = "index_products"
    __table_args__ = (
        UniqueConstraint("tenant_id", "product_id", "locale"),
        # In the list's order: newest or oldest, then the id (the keyset cursor's tie-break).
        Index(
            "ix_index_products_list",
            "tenant_id",
            "locale",
            "is_published",
            "published_at",
            "product_id",
        ),
        Index("ix_index_products_handle", "tenant_id", "locale", "handle"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(index=True)
    locale: Mapped[str] = mapped_column(String(10))
    # Joins the row to its search entry (a string on both databases).
    search_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    is_published: Mapped[bool] = mapped_column(Boolean)
    title: Mapped[str] = mapped_column(String(255))
    sort_title: Mapped[str] = mapped_column(String(255))
    handle: Mapped[str] = mapped_column(String(255))
    subtitle: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    vendor: Mapped[str | None] = mapped_column(String(255))
    category_ids: Mapped[list[Any]] = mapped_column(default=list)
    category_names: Mapped[list[Any]] = mapped_column(default=list)
    # The categories' and their ancestors' handles (``category=`` takes an id or a handle).
    category_handles: Mapped[list[Any]] = mapped_column(default=list)
    category_path: Mapped[str | None] = mapped_column(String(1000))
    collection_ids: Mapped[list[Any]] = mapped_column(default=list)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    options: Mapped[list[Any]] = mapped_column(default=list)
    variants: Mapped[list[Any]] = mapped_column(default=list)
    images: Mapped[list[Any]] = mapped_column(default=list)
    thumbnail_url: Mapped[str | None] = mapped_column(String(1000))
    variant_count: Mapped[int] = mapped_column(Integer, default=0)
    total_inventory: Mapped[int] = mapped_column(Integer, default=0)
    in_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    on_sale: Mapped[bool] = mapped_column(Boolean, default=False)
    meta_title: Mapped[str | None] = mapped_column(String(255))
    meta_description: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[dt.datetime | None] = mapped_column()
    source_updated_at: Mapped[dt.datetime] = mapped_column()
    indexed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ProductPrice(TenantScoped, Base):
    """Price range of a product in one currency (integer minor units)."""

    __tablename__ = "index_product_prices"
    __table_args__ = (
        Index("ix_index_product_prices_sort", "tenant_id", "currency_code", "price_min"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    currency_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    price_min: Mapped[int] = mapped_column(BigInteger)
    price_max: Mapped[int] = mapped_column(BigInteger)
    compare_at_min: Mapped[int | None] = mapped_column(BigInteger)
    compare_at_max: Mapped[int | None] = mapped_column(BigInteger)


class ContentListing(HasId, TenantScoped, Base):
    __tablename__ = "index_content"
    __table_args__ = (
        UniqueConstraint("tenant_id", "node_id", "locale"),
        Index("ix_index_content_slug", "tenant_id", "kind", "locale", "slug"),
        Index("ix_index_content_list", "tenant_id", "kind", "locale", "published_at"),
    )

    node_id: Mapped[uuid.UUID] = mapped_column(index=True)
    locale: Mapped[str] = mapped_column(String(10))
    search_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255))
    excerpt: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    body_format: Mapped[str] = mapped_column(String(16), default="markdown")
    author_id: Mapped[uuid.UUID | None] = mapped_column()
    author_name: Mapped[str | None] = mapped_column(String(255))
    category_id: Mapped[uuid.UUID | None] = mapped_column()
    category_name: Mapped[str | None] = mapped_column(String(255))
    category_slug: Mapped[str | None] = mapped_column(String(255))
    tags: Mapped[list[Any]] = mapped_column(default=list)
    meta_title: Mapped[str | None] = mapped_column(String(255))
    meta_description: Mapped[str | None] = mapped_column(String(500))
    featured_image_url: Mapped[str | None] = mapped_column(String(1000))
    parent_id: Mapped[uuid.UUID | None] = mapped_column()
    depth: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[dt.datetime | None] = mapped_column()
    source_updated_at: Mapped[dt.datetime] = mapped_column()
    indexed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
