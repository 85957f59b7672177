"""Storefront response bodies served from the read models."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from rustok.modules.index.models import ContentListing, ProductListing
from rustok.modules.index.queries import SearchHit


class ProductDetail(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    handle: str
    locale: str
    title: str
    subtitle: str | None
    description: str | None
    vendor: str | None
    category_ids: list[Any]
    category_names: list[Any]
    tags: list[Any]
    options: list[Any]
    variants: list[Any]
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


def product_detail(row: ProductListing) -> ProductDetail:
    return ProductDetail(
        id=row.product_id, handle=row.handle, locale=row.locale, title=row.title,
        subtitle=row.subtitle, description=row.description, vendor=row.vendor,
        category_ids=row.category_ids, category_names=row.category_names, tags=row.tags,
        options=row.options, variants=row.variants, images=row.images,
        thumbnail=row.thumbnail_url, in_stock=row.in_stock, total_inventory=row.total_inventory,
        on_sale=row.on_sale, meta_title=row.meta_title, meta_description=row.meta_description,
        published_at=row.published_at,
    )  # fmt: skip


def content_read(row: ContentListing) -> ContentRead:
    return ContentRead(
        id=row.node_id, kind=row.kind, locale=row.locale, slug=row.slug, title=row.title,
        excerpt=row.excerpt, body=row.body, body_format=row.body_format,
        author_name=row.author_name, category_name=row.category_name, tags=row.tags,
        meta_title=row.meta_title, meta_description=row.meta_description,
        featured_image_url=row.featured_image_url, published_at=row.published_at,
    )  # fmt: skip
