"""GraphQL storefront queries, served from the read models (public)."""

from __future__ import annotations

from typing import cast

import strawberry
from graphql import FieldNode, SelectionSetNode
from strawberry.scalars import JSON

from rustok.core.context import TenantRef
from rustok.core.errors import NotFound, ValidationFailed
from rustok.modules.index import queries
from rustok.modules.index.answers import cached_read
from rustok.modules.index.index_runtime import storefront
from rustok.modules.index.routes import DetailQuery, ProductQuery, checked
from rustok.modules.index.schemas import content_read, product_detail
from rustok.web.connections import PageInfo
from rustok.web.graphql import RustokInfo
from rustok.web.permissions import Public
from rustok.web.scalars import MinorUnits


@strawberry.type
class StoreProductSummary:
    id: strawberry.ID
    handle: str
    title: str
    price_min: MinorUnits | None
    price_max: MinorUnits | None
    compare_at_max: MinorUnits | None
    currency_code: str
    in_stock: bool
    on_sale: bool
    thumbnail: str | None


@strawberry.type
class StoreProductEdge:
    cursor: str
    node: StoreProductSummary


@strawberry.type
class StoreProductConnection:
    edges: list[StoreProductEdge]
    page_info: PageInfo


@strawberry.type
class StoreVariant:
    id: strawberry.ID
    sku: str
    title: str | None
    options: JSON
    price: MinorUnits | None
    compare_at_price: MinorUnits | None
    currency_code: str
    inventory_policy: str
    available_quantity: int
    available: bool


@strawberry.type
class StoreProduct:
    id: strawberry.ID
    handle: str
    locale: str
    title: str
    subtitle: str | None
    description: str | None
    vendor: str | None
    currency_code: str
    price_min: MinorUnits | None
    price_max: MinorUnits | None
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


def _money(amount: int | None) -> MinorUnits | None:
    return None if amount is None else MinorUnits(amount)


def _tenant(info: RustokInfo) -> TenantRef:
    tenant = info.context.request_context.tenant
    assert tenant is not None
    return tenant


def _may_select(selection_set: SelectionSetNode | None, path: tuple[str, ...]) -> bool:
    """Whether the field ``path`` (names from here) may be selected: a fragment on the way
    counts as selecting it (it is not worth resolving here)."""
    if selection_set is None:
        return False
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode):
            return True
        if selection.name.value == path[0] and (
            len(path) == 1 or _may_select(selection.selection_set, path[1:])
        ):
            return True
    return False


def _asks_edge_cursors(info: RustokInfo) -> bool:
    """Whether an edge's ``cursor`` may be read (each costs an encoding; the end cursor
    alone is always made)."""
    nodes = info._raw_info.field_nodes  # graphql-core's: the selections, as parsed
    return any(_may_select(node.selection_set, ("edges", "cursor")) for node in nodes)


@strawberry.type
class StorefrontQuery:
    @strawberry.field(permission_classes=[Public], description="Published products (read model).")
    async def store_products(
        self, info: RustokInfo, first: int = 20, after: str | None = None, q: str | None = None,
        category: str | None = None, min_price: MinorUnits | None = None,
        max_price: MinorUnits | None = None, currency: str | None = None,
        in_stock: bool | None = None, sort: str | None = None, locale: str | None = None,
    ) -> StoreProductConnection:  # fmt: skip
        if not 1 <= first <= queries.MAX_LIMIT:
            raise ValidationFailed(errors={"first": [f"must be between 1 and {queries.MAX_LIMIT}"]})
        params = checked(ProductQuery, {
            "q": q, "category": category, "min_price": min_price, "max_price": max_price,
            "currency": currency, "in_stock": in_stock, "locale": locale, "sort": sort,
            "cursor": after, "limit": first,
        })  # fmt: skip
        flt = queries.ProductFilter(
            q=params.q, category=params.category, min_price=params.min_price,
            max_price=params.max_price, currency=params.currency, in_stock=params.in_stock,
            sort=params.sort, cursor=params.cursor, limit=params.limit,
        )  # fmt: skip
        tenant, runtime = _tenant(info), storefront(info.context.platform)
        chosen = queries.resolve_locale(tenant, params.locale)
        every = _asks_edge_cursors(info)
        page = await cached_read(
            runtime, tenant.id, ("edges", chosen, tenant.currency_code, flt, every),
            lambda: runtime.reads.product_edges(tenant, chosen, flt, every_cursor=every),
        )  # fmt: skip
        # Without edge cursors asked for, the page has the last one only (the end cursor),
        # and the other edges' cursor is never read.
        cursors = page.cursors if every else [""] * (len(page.items) - 1) + page.cursors
        edges = [
            StoreProductEdge(cursor=cursor, node=StoreProductSummary(
                id=strawberry.ID(str(i.id)), handle=i.handle, title=i.title,
                price_min=_money(i.price_min), price_max=_money(i.price_max),
                compare_at_max=_money(i.compare_at_max), currency_code=i.currency_code,
                in_stock=i.in_stock, on_sale=i.on_sale, thumbnail=i.thumbnail,
            ))
            for i, cursor in zip(page.items, cursors, strict=True)
        ]  # fmt: skip
        return StoreProductConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_more, end_cursor=page.cursors[-1] if edges else None
            ),
        )

    @strawberry.field(permission_classes=[Public], description="One published product by handle.")
    async def store_product(
        self, info: RustokInfo, handle: str, locale: str | None = None,
        currency: str | None = None,
    ) -> StoreProduct:  # fmt: skip
        params = checked(DetailQuery, {"locale": locale, "currency": currency})
        tenant, runtime = _tenant(info), storefront(info.context.platform)
        chosen = queries.resolve_locale(tenant, params.locale)
        row = await cached_read(
            runtime, tenant.id, ("product row", chosen, handle),
            lambda: runtime.reads.product_by_handle(tenant, chosen, handle),
        )  # fmt: skip
        if row is None:
            raise NotFound(f"no product {handle!r}")
        detail = product_detail(row, (params.currency or tenant.currency_code).upper())
        return StoreProduct(
            id=strawberry.ID(str(detail.id)), handle=detail.handle, locale=detail.locale,
            title=detail.title, subtitle=detail.subtitle, description=detail.description,
            vendor=detail.vendor, currency_code=detail.currency_code,
            price_min=_money(detail.price_min), price_max=_money(detail.price_max),
            tags=[str(t) for t in detail.tags],
            category_names=[str(c) for c in detail.category_names],
            options=cast(JSON, detail.options), thumbnail=detail.thumbnail,
            in_stock=detail.in_stock, on_sale=detail.on_sale,
            variants=[
                StoreVariant(
                    id=strawberry.ID(str(v.id)), sku=v.sku, title=v.title,
                    options=cast(JSON, v.options), price=_money(v.price),
                    compare_at_price=_money(v.compare_at_price), currency_code=v.currency_code,
                    inventory_policy=v.inventory_policy, available_quantity=v.available_quantity,
                    available=v.available,
                )
                for v in detail.variants
            ],
        )  # fmt: skip

    @strawberry.field(
        permission_classes=[Public], description="Published content by kind and slug."
    )
    async def store_content(
        self, info: RustokInfo, kind: str, slug: str, locale: str | None = None
    ) -> StoreContent:
        tenant, runtime = _tenant(info), storefront(info.context.platform)
        chosen = queries.resolve_locale(tenant, locale)
        row = await cached_read(
            runtime, tenant.id, ("content row", chosen, kind, slug),
            lambda: runtime.reads.content_by_slug(tenant, chosen, kind, slug),
        )  # fmt: skip
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
        tenant, runtime = _tenant(info), storefront(info.context.platform)
        chosen = queries.resolve_locale(tenant, locale)
        hits = await cached_read(
            runtime, tenant.id, ("hits", chosen, q, first),
            lambda: runtime.reads.search(tenant, chosen, q, first),
        )  # fmt: skip
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
