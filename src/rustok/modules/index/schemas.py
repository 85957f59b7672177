"""Storefront response bodies served from the read models."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from rustok.modules.index.queries import SearchHit
from rustok.modules.index.rows import ContentRow, ProductRow


class StoreVariant(msgspec.Struct, frozen=True, kw_only=True):
    """A variant in the detail's currency; ``prices`` lists every currency it is sold in."""

    id: uuid.UUID
    sku: str
    title: str | None
    options: dict[str, str]
    price: int | None
    compare_at_price: int | None
    currency_code: str
    prices: list[dict[str, Any]]
    inventory_policy: str
    available_quantity: int
    # Sellable now: priced in the detail's currency, and in stock or backorderable.
    available: bool


class ProductDetail(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    handle: str
    locale: str
    title: str
    subtitle: str | None
    description: str | None
    vendor: str | None
    currency_code: str
    price_min: int | None
    price_max: int | None
    category_ids: list[Any]
    category_names: list[Any]
    category_handles: list[Any]
    category_path: str | None
    tags: list[Any]
    options: list[Any]
    variants: list[StoreVariant]
    images: list[Any]
    thumbnail: str | None
    in_stock: bool
    total_inventory: int
    on_sale: bool
    meta_title: str | None
    meta_description: str | None
    published_at: dt.datetime | None


class ContentRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    kind: str
    locale: str
    slug: str
    title: str
    excerpt: str | None
    body: str | None
    body_format: str
    author_name: str | None
    category_name: str | None
    tags: list[Any]
    meta_title: str | None
    meta_description: str | None
    featured_image_url: str | None
    published_at: dt.datetime | None


class SearchResults(msgspec.Struct, frozen=True, kw_only=True):
    query: str
    items: list[SearchHit]


def store_variant(entry: dict[str, Any], currency: str) -> StoreVariant:
    price = next((p for p in entry["prices"] if p["currency_code"] == currency), None)
    return StoreVariant(
        id=uuid.UUID(entry["id"]), sku=entry["sku"], title=entry["title"],
        options=entry["options"], price=price["amount"] if price else None,
        compare_at_price=price["compare_at_amount"] if price else None, currency_code=currency,
        prices=entry["prices"], inventory_policy=entry["inventory_policy"],
        available_quantity=entry["available_quantity"],
        available=price is not None and entry["in_stock"],
    )  # fmt: skip


def product_detail(row: ProductRow, currency: str) -> ProductDetail:
    """The listing in ``currency``: variant prices, the product's range and availability."""
    variants = [store_variant(v, currency) for v in row.variants]
    amounts = [v.price for v in variants if v.price is not None]
    return ProductDetail(
        id=row.product_id, handle=row.handle, locale=row.locale, title=row.title,
        subtitle=row.subtitle, description=row.description, vendor=row.vendor,
        currency_code=currency, price_min=min(amounts) if amounts else None,
        price_max=max(amounts) if amounts else None, category_ids=row.category_ids,
        category_names=row.category_names, category_handles=row.category_handles,
        category_path=row.category_path, tags=row.tags, options=row.options,
        variants=variants, images=row.images, thumbnail=row.thumbnail_url,
        in_stock=any(v.available for v in variants), total_inventory=row.total_inventory,
        on_sale=row.on_sale, meta_title=row.meta_title, meta_description=row.meta_description,
        published_at=row.published_at,
    )  # fmt: skip


def content_read(row: ContentRow) -> ContentRead:
    return ContentRead(
        id=row.node_id, kind=row.kind, locale=row.locale, slug=row.slug, title=row.title,
        excerpt=row.excerpt, body=row.body, body_format=row.body_format,
        author_name=row.author_name, category_name=row.category_name, tags=row.tags,
        meta_title=row.meta_title, meta_description=row.meta_description,
        featured_image_url=row.featured_image_url, published_at=row.published_at,
    )  # fmt: skip
