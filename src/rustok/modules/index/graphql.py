"""GraphQL storefront queries, served from the read models (public)."""

from __future__ import annotations

import uuid
from typing import cast

import strawberry
from strawberry.scalars import JSON

from rustok.auth.guard import Public
from rustok.core.context import TenantRef
from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.graphql import RustokInfo
from rustok.modules.index import queries
from rustok.modules.index.schemas import content_read, product_detail


@strawberry.type
class StoreProductSummary:
    id: strawberry.ID
    handle: str
    title: str
    price_min: int | None
    price_max: int | None
    compare_at_max: int | None
    currency_code: str
    in_stock: bool
    on_sale: bool
    thumbnail: str | None


@strawberry.type
class StoreProductConnection:
    items: list[StoreProductSummary]
    next_cursor: str | None


@strawberry.type
class StoreVariant:
    id: strawberry.ID
    sku: str | None
    title: str | None
    in_stock: bool
    available: int | None
    prices: JSON


@strawberry.type
class StoreProduct:
    id: strawberry.ID
    handle: str
    locale: str
    title: str
    subtitle: str | None
    description: str | None
    tags: list[str]
    category_names: list[str]
    options: JSON
    variants: list[StoreVariant]
    thumbnail: str | None
    in_stock: bool
    on_sale: bool


@strawberry.type
class StoreContent:
    id: strawberry.ID
    kind: str
    locale: str
    slug: str
    title: str
    excerpt: str | None
    body: str | None
    body_format: str
    author_name: str | None
    tags: list[str]


@strawberry.type
class StoreSearchHit:
    type: str
    id: strawberry.ID
    kind: str
    title: str
    handle_or_slug: str
    excerpt: str | None


def _tenant(info: RustokInfo) -> TenantRef:
    tenant = info.context.request_context.tenant
    assert tenant is not None
    return tenant


@strawberry.type
class StorefrontQuery:
    @strawberry.field(permission_classes=[Public], description="Published products (read model).")
    async def store_products(
        self, info: RustokInfo, first: int = 20, after: str | None = None, q: str | None = None,
        category: strawberry.ID | None = None, min_price: int | None = None,
        max_price: int | None = None, currency: str | None = None, in_stock: bool | None = None,
        sort: str | None = None, locale: str | None = None,
    ) -> StoreProductConnection:  # fmt: skip
        if not 1 <= first <= queries.MAX_LIMIT:
            raise ValidationFailed(errors={"first": [f"must be between 1 and {queries.MAX_LIMIT}"]})
        if sort is not None and sort not in ("newest", "price", "price_desc", "title", "relevance"):
            raise ValidationFailed(
                errors={"sort": ["newest, price, price_desc, title or relevance"]}
            )
        try:
            category_id = uuid.UUID(str(category)) if category else None
        except ValueError:
            raise ValidationFailed(errors={"category": ["must be a UUID"]}) from None
        flt = queries.ProductFilter(
            q=q, category=category_id, min_price=min_price, max_price=max_price,
            currency=currency, in_stock=in_stock, sort=sort, cursor=after, limit=first,  # type: ignore[arg-type]
        )  # fmt: skip
        async with info.context.platform.db.read_session() as session:
            page = await queries.list_products(session, _tenant(info), locale, flt)
        return StoreProductConnection(
            items=[
                StoreProductSummary(
                    id=strawberry.ID(str(i.id)),
                    handle=i.handle,
                    title=i.title,
                    price_min=i.price_min,
                    price_max=i.price_max,
                    compare_at_max=i.compare_at_max,
                    currency_code=i.currency_code,
                    in_stock=i.in_stock,
                    on_sale=i.on_sale,
                    thumbnail=i.thumbnail,
                )
                for i in page.items
            ],
            next_cursor=page.next_cursor,
        )

    @strawberry.field(permission_classes=[Public], description="One published product by handle.")
    async def store_product(
        self, info: RustokInfo, handle: str, locale: str | None = None
    ) -> StoreProduct:
        async with info.context.platform.db.read_session() as session:
            row = await queries.product_by_handle(session, _tenant(info), locale, handle)
        if row is None:
            raise NotFound(f"no product {handle!r}")
        detail = product_detail(row)
        return StoreProduct(
            id=strawberry.ID(str(detail.id)),
            handle=detail.handle,
            locale=detail.locale,
            title=detail.title,
            subtitle=detail.subtitle,
            description=detail.description,
            tags=[str(t) for t in detail.tags],
            category_names=[str(c) for c in detail.category_names],
            options=cast(JSON, detail.options),
            thumbnail=detail.thumbnail,
            in_stock=detail.in_stock,
            on_sale=detail.on_sale,
            variants=[
                StoreVariant(
                    id=strawberry.ID(str(v.get("id"))),
                    sku=v.get("sku"),
                    title=v.get("title"),
                    in_stock=bool(v.get("in_stock", False)),
                    available=v.get("available"),
                    prices=cast(JSON, v.get("prices", [])),
                )
                for v in detail.variants
            ],
        )

    @strawberry.field(
        permission_classes=[Public], description="Published content by kind and slug."
    )
    async def store_content(
        self, info: RustokInfo, kind: str, slug: str, locale: str | None = None
    ) -> StoreContent:
        async with info.context.platform.db.read_session() as session:
            row = await queries.content_by_slug(session, _tenant(info), locale, kind, slug)
        if row is None:
            raise NotFound(f"no published {kind} {slug!r}")
        read = content_read(row)
        return StoreContent(
            id=strawberry.ID(str(read.id)), kind=read.kind, locale=read.locale, slug=read.slug,
            title=read.title, excerpt=read.excerpt, body=read.body, body_format=read.body_format,
            author_name=read.author_name, tags=[str(t) for t in read.tags],
        )  # fmt: skip

    @strawberry.field(permission_classes=[Public], description="Products and content matching q.")
    async def store_search(
        self, info: RustokInfo, q: str, first: int = 20, locale: str | None = None
    ) -> list[StoreSearchHit]:
        async with info.context.platform.db.read_session() as session:
            hits = await queries.search(session, _tenant(info), locale, q, first)
        return [
            StoreSearchHit(
                type=h.type,
                id=strawberry.ID(str(h.id)),
                kind=h.kind,
                title=h.title,
                handle_or_slug=h.handle_or_slug,
                excerpt=h.excerpt,
            )
            for h in hits
        ]
