"""The commerce module's GraphQL root fields: catalogue, stock, discounts, carts, checkout
and orders, merged into one ``Query`` and one ``Mutation`` contribution."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.tools import merge_types

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.carts.graphql import CartMutation, CartQuery
from rustok.modules.commerce.catalog.graphql import CatalogMutation, CatalogQuery
from rustok.modules.commerce.catalog.graphql_price_lists import PriceListMutation, PriceListQuery
from rustok.modules.commerce.catalog.graphql_taxonomy import TaxonomyMutation, TaxonomyQuery
from rustok.modules.commerce.catalog.graphql_variants import VariantMutation, VariantQuery
from rustok.modules.commerce.checkout.graphql import CheckoutMutation
from rustok.modules.commerce.customers.graphql import CustomerMutation, CustomerQuery
from rustok.modules.commerce.discounts.graphql import (
    DiscountMutation,
    DiscountQuery,
    DiscountType,
)
from rustok.modules.commerce.discounts.service import DiscountCreate
from rustok.modules.commerce.graphql_support import runtime
from rustok.modules.commerce.inventory.graphql import StockLocationMutation, StockLocationQuery
from rustok.modules.commerce.inventory.schemas import (
    InventoryAdjust,
    InventorySet,
    VariantInventoryRead,
)
from rustok.modules.commerce.orders.graphql import OrdersMutation, OrdersQuery
from rustok.modules.commerce.regions.graphql import RegionMutation, RegionQuery
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.inputs import convert, input_dict
from rustok.web.permissions import requires
from rustok.web.scalars import MinorUnits


@strawberry.type(name="StockLevel")
class StockLevelType:
    location_id: strawberry.ID
    location_code: str
    stocked: int
    reserved: int
    available: int


@strawberry.type(name="VariantInventory")
class VariantInventoryType:
    variant_id: strawberry.ID
    sku: str
    inventory_policy: str
    stocked: int
    reserved: int
    available: int
    locations: list[StockLevelType]

    @classmethod
    def of(cls, read: VariantInventoryRead) -> VariantInventoryType:
        return cls(
            variant_id=strawberry.ID(str(read.variant_id)), sku=read.sku,
            inventory_policy=read.inventory_policy, stocked=read.stocked,
            reserved=read.reserved, available=read.available,
            locations=[
                StockLevelType(
                    location_id=strawberry.ID(str(x.location_id)), location_code=x.location_code,
                    stocked=x.stocked, reserved=x.reserved, available=x.available,
                )
                for x in read.locations
            ],
        )  # fmt: skip


@strawberry.input
class DiscountCreateInput:
    code: str
    kind: str = strawberry.field(description="percentage or fixed")
    value: MinorUnits = strawberry.field(
        description="percent (1..100), or minor units of currency_code for fixed"
    )
    currency_code: str | None = None
    min_subtotal: MinorUnits | None = None
    usage_limit: int | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    is_active: bool | None = None


@strawberry.type
class StockQuery:
    @strawberry.field(permission_classes=[requires(perm.INVENTORY_READ)])
    async def variant_inventory(
        self, info: RustokInfo, variant_id: strawberry.ID
    ) -> VariantInventoryType:
        found = await runtime(info).inventory.get(parse_id(variant_id, "variant_id"))
        return VariantInventoryType.of(found)

    @strawberry.field(permission_classes=[requires(perm.DISCOUNTS_LIST)])
    async def discounts(self, info: RustokInfo, first: int = 20) -> list[DiscountType]:
        page = await runtime(info).discounts.list_page(1, max(1, min(first, 100)))
        return [DiscountType.of(d) for d in page.items]


@strawberry.type
class StockMutation:
    @strawberry.mutation(permission_classes=[requires(perm.INVENTORY_UPDATE)])
    async def adjust_inventory(
        self, info: RustokInfo, variant_id: strawberry.ID, delta: int,
        location_id: strawberry.ID | None = None,
    ) -> VariantInventoryType:  # fmt: skip
        body = convert({"delta": delta, "location_id": location_id}, InventoryAdjust)
        found = await runtime(info).inventory.adjust(parse_id(variant_id, "variant_id"), body)
        return VariantInventoryType.of(found)

    @strawberry.mutation(permission_classes=[requires(perm.INVENTORY_UPDATE)])
    async def set_inventory(
        self, info: RustokInfo, variant_id: strawberry.ID, quantity: int,
        location_id: strawberry.ID | None = None,
    ) -> VariantInventoryType:  # fmt: skip
        body = convert({"quantity": quantity, "location_id": location_id}, InventorySet)
        found = await runtime(info).inventory.set(parse_id(variant_id, "variant_id"), body)
        return VariantInventoryType.of(found)

    @strawberry.mutation(permission_classes=[requires(perm.DISCOUNTS_CREATE)])
    async def create_discount(self, info: RustokInfo, input: DiscountCreateInput) -> DiscountType:
        """The REST body of ``POST /api/commerce/discounts`` as a typed input."""
        d = await runtime(info).discounts.create(convert(input_dict(input), DiscountCreate))
        return DiscountType.of(d)


CommerceQuery = merge_types(
    "CommerceQuery",
    (
        CatalogQuery, VariantQuery, TaxonomyQuery, PriceListQuery, CartQuery, OrdersQuery,
        StockQuery, StockLocationQuery, DiscountQuery, RegionQuery, CustomerQuery,
    ),
)  # fmt: skip
CommerceMutation = merge_types(
    "CommerceMutation",
    (
        CatalogMutation, VariantMutation, TaxonomyMutation, PriceListMutation, CartMutation,
        CheckoutMutation, OrdersMutation, StockMutation, StockLocationMutation,
        DiscountMutation, RegionMutation, CustomerMutation,
    ),
)  # fmt: skip
