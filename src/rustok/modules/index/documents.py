"""What projectors hand to the store: one document per (entity, locale)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec


class PriceRange(msgspec.Struct, frozen=True, kw_only=True):
    currency_code: str
    price_min: int
    price_max: int
    compare_at_min: int | None = None
    compare_at_max: int | None = None


class ProductDocument(msgspec.Struct, frozen=True, kw_only=True):
    product_id: uuid.UUID
    locale: str
    status: str
    is_published: bool
    title: str
    handle: str
    subtitle: str | None = None
    description: str | None = None
    vendor: str | None = None
    category_ids: list[str] = msgspec.field(default_factory=list)
    category_names: list[str] = msgspec.field(default_factory=list)
    category_handles: list[str] = msgspec.field(default_factory=list)
    category_path: str | None = None
    collection_ids: list[str] = msgspec.field(default_factory=list)
    tags: list[str] = msgspec.field(default_factory=list)
    options: list[dict[str, Any]] = msgspec.field(default_factory=list)
    variants: list[dict[str, Any]] = msgspec.field(default_factory=list)
    images: list[dict[str, Any]] = msgspec.field(default_factory=list)
    thumbnail_url: str | None = None
    total_inventory: int = 0
    in_stock: bool = False
    meta_title: str | None = None
    meta_description: str | None = None
    published_at: dt.datetime | None = None
    prices: list[PriceRange] = msgspec.field(default_factory=list)

    @property
    def on_sale(self) -> bool:
        return any(
            p.compare_at_max is not None and p.compare_at_max > p.price_min for p in self.prices
        )


class ContentDocument(msgspec.Struct, frozen=True, kw_only=True):
    node_id: uuid.UUID
    locale: str
    kind: str
    status: str
    title: str
    slug: str
    excerpt: str | None = None
    body: str | None = None
    body_format: str = "markdown"
    author_id: uuid.UUID | None = None
    author_name: str | None = None
    category_id: uuid.UUID | None = None
    category_name: str | None = None
    category_slug: str | None = None
    tags: list[str] = msgspec.field(default_factory=list)
    meta_title: str | None = None
    meta_description: str | None = None
    featured_image_url: str | None = None
    parent_id: uuid.UUID | None = None
    depth: int = 0
    position: int = 0
    reply_count: int = 0
    published_at: dt.datetime | None = None
