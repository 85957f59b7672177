"""REST: the storefront (IX-3), served from the read models only. Public."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery

from rustok.core.context import TenantRef, current_context
from rustok.core.errors import NotFound, ValidationFailed
from rustok.modules.index.answers import json_answer
from rustok.modules.index.index_runtime import StorefrontRuntime, storefront
from rustok.modules.index.queries import (
    ProductFilter,
    ProductPage,
    Sort,
    decode_sort_cursor,
    list_sort,
    resolve_locale,
)
from rustok.modules.index.schemas import (
    ContentRead,
    ProductDetail,
    SearchResults,
    content_read,
    product_detail,
)
from rustok.modules.index.text import query_words
from rustok.web.deps import platform_from_state

T = TypeVar("T")
AnyRequest = Request[Any, Any, Any]
Locale = Annotated[str, msgspec.Meta(min_length=2, max_length=10, pattern=r"^[A-Za-z0-9-]+$")]
# No control characters: PostgreSQL cannot store NUL, and none belongs in a search.
Query = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Money = Annotated[int, msgspec.Meta(ge=0, le=10**12)]
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]{3}$")]
Limit = Annotated[int, msgspec.Meta(ge=1, le=100)]
Cursor = str  # checked where it is decoded (web.cursors): 400 INVALID_CURSOR
CategoryRef = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9-]{1,255}$")]  # id or handle


class ProductQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Query parameters of the product list, checked here: Litestar drops the constraints of
    optional query parameters."""

    q: Query | None = None
    category: CategoryRef | None = None
    min_price: Money | None = None
    max_price: Money | None = None
    currency: Currency | None = None
    in_stock: bool | None = None
    locale: Locale | None = None
    sort: Sort | None = None
    cursor: Cursor | None = None
    limit: Limit = 20


class LocaleQuery(msgspec.Struct, frozen=True, kw_only=True):
    locale: Locale | None = None


class DetailQuery(msgspec.Struct, frozen=True, kw_only=True):
    locale: Locale | None = None
    currency: Currency | None = None


class SearchQuery(msgspec.Struct, frozen=True, kw_only=True):
    q: Query
    locale: Locale | None = None
    limit: Limit = 20


def checked(cls: type[T], values: dict[str, Any]) -> T:
    try:
        return msgspec.convert(
            {k: v for k, v in values.items() if v is not None}, cls, strict=False
        )
    except msgspec.ValidationError as exc:
        field = str(exc).rsplit("$.", 1)[-1].rstrip("`") if "$." in str(exc) else "query"
        raise ValidationFailed(str(exc), errors={field: [str(exc).split(" - at ")[0]]}) from None


def _tenant() -> TenantRef:
    tenant = current_context().tenant
    assert tenant is not None
    return tenant


def requested_locale(request: AnyRequest, locale: str | None) -> str | None:
    """``locale`` if given, else the first ``Accept-Language`` tag the tenant has enabled."""
    if locale:
        return locale.lower()
    enabled = {code for code, _ in _tenant().locales}
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag in enabled:
            return tag
        if tag.split("-")[0] in enabled:
            return tag.split("-")[0]
    return None


def _runtime(request: AnyRequest) -> StorefrontRuntime:
    # From the app's state rather than the ``platform`` dependency: resolving a dependency
    # costs these hot reads more than the rest of their Litestar call.
    return storefront(platform_from_state(request.app.state))


class StorefrontController(Controller):
    path = "/api/store"
    tags = ["storefront"]

    @get("/products", public=True, optional_auth=True, graphql_twin="storeProducts")
    async def products(
        self, request: AnyRequest, q: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None, min_price: FromQuery[str | None] = None,
        max_price: FromQuery[str | None] = None, currency: FromQuery[str | None] = None,
        in_stock: FromQuery[str | None] = None, locale: FromQuery[str | None] = None,
        sort: FromQuery[str | None] = None, cursor: FromQuery[str | None] = None,
        limit: FromQuery[str | None] = None,
    ) -> Response[ProductPage]:  # fmt: skip
        """Published products: ``q``, ``category`` (id or handle; its subcategories too),
        ``min_price``/``max_price`` (minor units of ``currency``), ``in_stock``, ``sort``
        (newest, oldest, price_asc, price_desc, title, relevance), cursor pages (``cursor``,
        ``limit`` ≤ 100, ``next_cursor``)."""
        params = checked(ProductQuery, {
            "q": q, "category": category, "min_price": min_price, "max_price": max_price,
            "currency": currency, "in_stock": in_stock, "locale": locale, "sort": sort,
            "cursor": cursor, "limit": limit,
        })  # fmt: skip
        flt = ProductFilter(
            q=params.q, category=params.category, min_price=params.min_price,
            max_price=params.max_price, currency=params.currency, in_stock=params.in_stock,
            sort=params.sort, cursor=params.cursor, limit=params.limit,
        )  # fmt: skip
        if flt.cursor is not None:
            # Checked before the answer cache: a forged cursor is a 400 whether or not a
            # similar list is cached (and the OpenAPI analysis sees it here).
            decode_sort_cursor(flt.cursor, list_sort(flt, query_words(flt.q or "")))
        tenant, runtime = _tenant(), _runtime(request)
        locale = resolve_locale(tenant, requested_locale(request, params.locale))
        return await json_answer(
            # The tenant's currency too: a list without ``currency`` is priced in it.
            request, runtime, tenant.id, ("list", locale, tenant.currency_code, flt),
            lambda: runtime.reads.list_products(tenant, locale, flt),
        )  # fmt: skip

    @get("/products/{handle:str}", public=True, optional_auth=True, graphql_twin="storeProduct")
    async def product(
        self, request: AnyRequest, handle: FromPath[str],
        locale: FromQuery[str | None] = None, currency: FromQuery[str | None] = None,
    ) -> Response[ProductDetail]:  # fmt: skip
        """One published product with its variants, their prices in ``currency`` (the
        tenant's by default) and availability."""
        params = checked(DetailQuery, {"locale": locale, "currency": currency})
        tenant, runtime = _tenant(), _runtime(request)
        chosen = resolve_locale(tenant, requested_locale(request, params.locale))
        in_currency = (params.currency or tenant.currency_code).upper()

        async def detail() -> ProductDetail:
            row = await runtime.reads.product_by_handle(tenant, chosen, handle)
            if row is None:
                raise NotFound(f"no product {handle!r}")
            return product_detail(row, in_currency)

        key = ("product", chosen, handle, in_currency)
        return await json_answer(request, runtime, tenant.id, key, detail)

    @get(
        "/content/{kind:str}/{slug:str}",
        public=True,
        optional_auth=True,
        graphql_twin="storeContent",
    )
    async def content(
        self, request: AnyRequest, kind: FromPath[str], slug: FromPath[str],
        locale: FromQuery[str | None] = None,
    ) -> Response[ContentRead]:  # fmt: skip
        """Published content by kind and slug, in the requested locale or its fallback."""
        locale = checked(LocaleQuery, {"locale": locale}).locale
        tenant, runtime = _tenant(), _runtime(request)
        chosen = resolve_locale(tenant, requested_locale(request, locale))

        async def read() -> ContentRead:
            row = await runtime.reads.content_by_slug(tenant, chosen, kind, slug)
            if row is None:
                raise NotFound(f"no published {kind} {slug!r}")
            return content_read(row)

        return await json_answer(request, runtime, tenant.id, ("content", chosen, kind, slug), read)

    @get("/search", public=True, optional_auth=True, graphql_twin="storeSearch")
    async def search(
        self, request: AnyRequest, q: FromQuery[str],
        locale: FromQuery[str | None] = None, limit: FromQuery[str | None] = None,
    ) -> Response[SearchResults]:  # fmt: skip
        """Products and content matching ``q``, best first."""
        params = checked(SearchQuery, {"q": q, "locale": locale, "limit": limit})
        tenant, runtime = _tenant(), _runtime(request)
        chosen = resolve_locale(tenant, requested_locale(request, params.locale))

        async def results() -> SearchResults:
            hits = await runtime.reads.search(tenant, chosen, params.q, params.limit)
            return SearchResults(query=params.q, items=hits)

        key = ("search", chosen, params.q, params.limit)
        return await json_answer(request, runtime, tenant.id, key, results)
