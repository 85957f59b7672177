"""What the commerce module offers to the rest of the platform and to its own storefront.

``CatalogReader`` is the one door the storefront's product reads go through. Today it reads
the write model (``catalog/reader.py``); the index module's read models will implement the
same protocol, and only :func:`catalog_reader` changes. Other modules may import this file
(and ``events.py``), never commerce's models.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Literal, Protocol

import msgspec

from rustok.modules.commerce.money import MAX_AMOUNT

if TYPE_CHECKING:
    from rustok.core.platform import Platform

StoreSort = Literal["newest", "oldest", "price_asc", "price_desc"]
StoreLimit = Annotated[int, msgspec.Meta(ge=1, le=100)]
_Term = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=r"^[^\x00]*$")]
_Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
_Locale = Annotated[str, msgspec.Meta(min_length=2, max_length=10, pattern=r"^[A-Za-z0-9-]+$")]
_Cursor = Annotated[str, msgspec.Meta(min_length=1, max_length=512, pattern=r"^[A-Za-z0-9_=-]+$")]


class StoreProductQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters of the storefront product list (API.md), with a cursor."""

    q: _Term | None = None
    category: _Term | None = None  # handle or id
    min_price: Annotated[int, msgspec.Meta(ge=0, le=MAX_AMOUNT)] | None = None
    max_price: Annotated[int, msgspec.Meta(ge=0, le=MAX_AMOUNT)] | None = None
    currency: _Currency | None = None
    in_stock: bool | None = None
    locale: _Locale | None = None
    sort: StoreSort = "newest"
    cursor: _Cursor | None = None
    limit: StoreLimit = 20


class StoreProductSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    handle: str
    title: str
    price_min: int
    price_max: int
    currency_code: str
    in_stock: bool
    thumbnail: str | None


class StoreProductPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[StoreProductSummary]
    next_cursor: str | None


class StoreVariant(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    sku: str
    title: str | None
    options: dict[str, str]
    price: int | None
    compare_at_price: int | None
    currency_code: str
    inventory_policy: str
    available_quantity: int
    available: bool


class StoreImage(msgspec.Struct, frozen=True, kw_only=True):
    url: str
    alt_text: str | None


class StoreCategory(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    handle: str
    name: str


class StoreOption(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    values: list[str]


class StoreProduct(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    handle: str
    locale: str
    title: str
    description: str | None
    meta_title: str | None
    meta_description: str | None
    vendor: str | None
    currency_code: str
    price_min: int | None
    price_max: int | None
    in_stock: bool
    options: list[StoreOption]
    variants: list[StoreVariant]
    images: list[StoreImage]
    categories: list[StoreCategory]


class CatalogReader(Protocol):
    """Storefront reads of active products (constant number of queries per call)."""

    async def list_products(self, query: StoreProductQuery) -> StoreProductPage: ...

    async def product_by_handle(
        self, handle: str, *, locale: str | None = None, currency: str | None = None
    ) -> StoreProduct: ...


def catalog_reader(platform: Platform) -> CatalogReader:
    """The storefront's catalogue reads (the write model until the index read models land)."""
    from rustok.modules.commerce.catalog.reader import WriteModelCatalogReader

    return WriteModelCatalogReader(platform)
