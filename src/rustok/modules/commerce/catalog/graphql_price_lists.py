# mypy: disallow-untyped-decorators=False
# (strawberry.field(...) with arguments is untyped, as in every graphql.py; pyproject.toml)
"""GraphQL: price lists, through the same ``PriceListService`` as
``/api/commerce/price-lists``."""

from __future__ import annotations

import datetime as dt

import msgspec
import strawberry

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.catalog.price_lists import (
    PriceListCreate,
    PriceListPrices,
    PriceListRead,
)
from rustok.modules.commerce.graphql_support import runtime
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.inputs import convert, input_dict
from rustok.web.permissions import requires
from rustok.web.scalars import MinorUnits


class _PricesBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    # The REST body's list type with its length limit.
    prices: PriceListPrices


@strawberry.type(name="PriceListPrice")
class PriceListPriceType:
    id: strawberry.ID
    variant_id: strawberry.ID
    currency_code: str
    amount: MinorUnits
    min_quantity: int


@strawberry.type(name="PriceList")
class PriceListType:
    id: strawberry.ID
    name: str
    description: str | None
    status: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    prices: list[PriceListPriceType]
    created_at: dt.datetime

    @classmethod
    def of(cls, read: PriceListRead) -> PriceListType:
        prices = [
            PriceListPriceType(
                id=strawberry.ID(str(p.id)), variant_id=strawberry.ID(str(p.variant_id)),
                currency_code=p.currency_code, amount=MinorUnits(p.amount),
                min_quantity=p.min_quantity,
            )
            for p in read.prices
        ]  # fmt: skip
        return cls(
            id=strawberry.ID(str(read.id)), name=read.name, description=read.description,
            status=read.status, starts_at=read.starts_at, ends_at=read.ends_at, prices=prices,
            created_at=read.created_at,
        )  # fmt: skip


@strawberry.type(name="PriceListList")
class PriceListList:
    items: list[PriceListType]
    total_count: int


@strawberry.input(name="PriceListCreateInput")
class PriceListCreateInputType:
    name: str
    description: str | None = None
    status: str | None = strawberry.field(default=None, description="active (default) or draft")
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None


@strawberry.input(name="PriceListPriceInput")
class PriceListPriceInputType:
    variant_id: strawberry.ID
    currency_code: str
    amount: MinorUnits
    min_quantity: int | None = None


@strawberry.type
class PriceListQuery:
    @strawberry.field(permission_classes=[requires(perm.PRODUCTS_LIST)])
    async def price_lists(
        self, info: RustokInfo, page: int = 1, per_page: int = 20
    ) -> PriceListList:
        check_page(page, per_page)
        found = await runtime(info).price_lists.list_page(page, per_page)
        return PriceListList(
            items=[PriceListType.of(p) for p in found.items], total_count=found.total
        )

    @strawberry.field(permission_classes=[requires(perm.PRODUCTS_READ)])
    async def price_list(self, info: RustokInfo, id: strawberry.ID) -> PriceListType:
        return PriceListType.of(await runtime(info).price_lists.get(parse_id(id)))


@strawberry.type
class PriceListMutation:
    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_CREATE)])
    async def create_price_list(
        self, info: RustokInfo, input: PriceListCreateInputType
    ) -> PriceListType:
        data = convert(input_dict(input), PriceListCreate)
        return PriceListType.of(await runtime(info).price_lists.create(data))

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_UPDATE)])
    async def set_price_list_prices(
        self, info: RustokInfo, id: strawberry.ID, prices: list[PriceListPriceInputType]
    ) -> PriceListType:
        """Replace the list's prices (per variant, currency and minimum quantity)."""
        body = convert({"prices": [input_dict(p) for p in prices]}, _PricesBody)
        found = await runtime(info).price_lists.set_prices(parse_id(id), body.prices)
        return PriceListType.of(found)

    @strawberry.mutation(permission_classes=[requires(perm.PRODUCTS_DELETE)])
    async def delete_price_list(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await runtime(info).price_lists.delete(parse_id(id))
        return True
