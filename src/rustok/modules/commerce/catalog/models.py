"""Catalogue tables: products with translations, options, variants, prices, price lists,
images, categories and collections (CO-1, CO-2).

Money columns are BIGINT minor units; the database itself refuses negative prices and a
compare-at price below the price. Category parents are plain ids (no self-referencing key):
the service keeps them consistent.
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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from rustok.core.db import Base, HasId, TenantScoped, Timestamped


class Product(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_products"
    __table_args__ = (Index("ix_commerce_products_tenant_id_status", "tenant_id", "status"),)

    status: Mapped[str] = mapped_column(String(16), default="draft")
    vendor: Mapped[str | None] = mapped_column(String(255))
    product_type: Mapped[str | None] = mapped_column(String(255))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    published_at: Mapped[dt.datetime | None] = mapped_column()


class ProductTranslation(HasId, TenantScoped, Base):
    __tablename__ = "commerce_product_translations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "locale", "handle"),
        UniqueConstraint("product_id", "locale"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_products.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(255))
    handle: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    meta_title: Mapped[str | None] = mapped_column(String(255))
    meta_description: Mapped[str | None] = mapped_column(String(500))


class ProductOption(HasId, TenantScoped, Base):
    __tablename__ = "commerce_product_options"
    __table_args__ = (UniqueConstraint("product_id", "name"),)

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_products.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProductOptionValue(HasId, TenantScoped, Base):
    __tablename__ = "commerce_product_option_values"
    __table_args__ = (UniqueConstraint("option_id", "value"),)

    option_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_product_options.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Variant(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_variants"
    __table_args__ = (UniqueConstraint("tenant_id", "sku"),)

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_products.id", ondelete="CASCADE"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64))
    barcode: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(255))
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    length_mm: Mapped[int | None] = mapped_column(Integer)
    width_mm: Mapped[int | None] = mapped_column(Integer)
    height_mm: Mapped[int | None] = mapped_column(Integer)
    inventory_policy: Mapped[str] = mapped_column(String(16), default="deny")
    position: Mapped[int] = mapped_column(Integer, default=0)


class VariantOptionValue(HasId, TenantScoped, Base):
    __tablename__ = "commerce_variant_option_values"
    __table_args__ = (UniqueConstraint("variant_id", "option_value_id"),)

    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_variants.id", ondelete="CASCADE"), index=True
    )
    option_value_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_product_option_values.id", ondelete="CASCADE"), index=True
    )


class PriceList(HasId, TenantScoped, Timestamped, Base):
    """Prices that override the base ones while active (sales, wholesale tiers)."""

    __tablename__ = "commerce_price_lists"

    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")
    starts_at: Mapped[dt.datetime | None] = mapped_column()
    ends_at: Mapped[dt.datetime | None] = mapped_column()


class Price(HasId, TenantScoped, Base):
    """A base price (``price_list_id`` NULL) or a price-list price from ``min_quantity``."""

    __tablename__ = "commerce_prices"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint(
            "compare_at_amount IS NULL OR compare_at_amount >= amount", name="compare_at_ge_amount"
        ),
        CheckConstraint("min_quantity >= 1", name="min_quantity_positive"),
        Index("ix_commerce_prices_variant_id_currency_code", "variant_id", "currency_code"),
    )

    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_variants.id", ondelete="CASCADE"), index=True
    )
    price_list_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commerce_price_lists.id", ondelete="CASCADE"), index=True
    )
    currency_code: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    compare_at_amount: Mapped[int | None] = mapped_column(BigInteger)
    min_quantity: Mapped[int] = mapped_column(Integer, default=1)


class ProductImage(HasId, TenantScoped, Base):
    """An image of a product: a media library reference and/or its URL."""

    __tablename__ = "commerce_product_images"

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_products.id", ondelete="CASCADE"), index=True
    )
    # The content module's media id; not a foreign key, modules do not share tables.
    media_id: Mapped[uuid.UUID | None] = mapped_column()
    url: Mapped[str] = mapped_column(String(2048))
    alt_text: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Category(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_categories"
    __table_args__ = (UniqueConstraint("tenant_id", "handle"),)

    parent_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    handle: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProductCategory(HasId, TenantScoped, Base):
    __tablename__ = "commerce_product_categories"
    __table_args__ = (UniqueConstraint("product_id", "category_id"),)

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_products.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_categories.id", ondelete="CASCADE"), index=True
    )


class Collection(HasId, TenantScoped, Timestamped, Base):
    __tablename__ = "commerce_collections"
    __table_args__ = (UniqueConstraint("tenant_id", "handle"),)

    handle: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)


class CollectionProduct(HasId, TenantScoped, Base):
    __tablename__ = "commerce_collection_products"
    __table_args__ = (UniqueConstraint("collection_id", "product_id"),)

    collection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_collections.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commerce_products.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
