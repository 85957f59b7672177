"""REST: storefront product reads (``/api/store/products``), through ``CatalogReader``."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter

from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Commerce
from rustok.modules.commerce.interface import (
    StoreProduct,
    StoreProductPage,
    StoreProductQuery,
    StoreSort,
)
from rustok.modules.commerce.money import MAX_AMOUNT

# Optional parameters carry their constraints outside the union: Litestar drops the
# constraints of an ``Annotated[...] | None``.
Search = Annotated[str | None, QueryParameter(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
CategoryRef = Annotated[
    str | None, QueryParameter(min_length=1, max_length=255, pattern=r"^[^\x00]*$")
]
Money = Annotated[int | None, QueryParameter(ge=0, le=MAX_AMOUNT)]
Currency = Annotated[str | None, QueryParameter(pattern=r"^[A-Z]{3}$")]
Locale = Annotated[
    str | None, QueryParameter(min_length=2, max_length=10, pattern=r"^[A-Za-z0-9-]+$")
]
Cursor = Annotated[
    str | None, QueryParameter(min_length=1, max_length=512, pattern=r"^[A-Za-z0-9_=-]+$")
]
Limit = Annotated[int, QueryParameter(ge=1, le=100)]


class StoreProductController(Controller):
    path = "/api/store/products"
    tags = ["storefront"]
    dependencies = COMMERCE_DEPENDENCIES

    @get("/", public=True)
    async def list_products(
        self, commerce: Commerce, q: Search = None,
        category: CategoryRef = None, min_price: Money = None,
        max_price: Money = None, currency: Currency = None,
        in_stock: FromQuery[bool | None] = None, locale: Locale = None,
        sort: FromQuery[StoreSort] = "newest", cursor: Cursor = None,
        limit: FromQuery[Limit] = 20,
    ) -> StoreProductPage:  # fmt: skip
        """Active products, cursor-paginated (``next_cursor``); prices in ``currency``
        (default: the tenant's), titles in ``locale`` with fallback."""
        query = StoreProductQuery(
            q=q, category=category, min_price=min_price, max_price=max_price, currency=currency,
            in_stock=in_stock, locale=locale, sort=sort, cursor=cursor, limit=limit,
        )  # fmt: skip
        return await commerce.reader.list_products(query)

    @get("/{handle:str}", public=True)
    async def product_by_handle(
        self, commerce: Commerce, handle: FromPath[str],
        locale: Locale = None, currency: Currency = None,
    ) -> StoreProduct:  # fmt: skip
        """An active product by handle, with variants, prices and availability."""
        return await commerce.reader.product_by_handle(handle, locale=locale, currency=currency)
