"""GraphQL: regions and shipping methods (admin) and the storefront's shipping options,
through the same ``RegionService`` as ``/api/commerce/regions``, ``/shipping-methods`` and
``/api/store/shipping-methods``."""

from __future__ import annotations

import datetime as dt
import re

import strawberry

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.graphql_support import runtime
from rustok.modules.commerce.regions.service import (
    RegionCreate,
    RegionRead,
    ShippingMethodCreate,
    ShippingMethodRead,
)
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.inputs import convert, input_dict
from rustok.web.permissions import Public, requires
from rustok.web.scalars import MinorUnits

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@strawberry.type(name="Region")
class RegionType:
    id: strawberry.ID
    name: str
    currency_code: str
    tax_rate_bps: int
    countries: list[str]
    created_at: dt.datetime

    @classmethod
    def of(cls, read: RegionRead) -> RegionType:
        return cls(
            id=strawberry.ID(str(read.id)), name=read.name, currency_code=read.currency_code,
            tax_rate_bps=read.tax_rate_bps, countries=read.countries, created_at=read.created_at,
        )  # fmt: skip


@strawberry.type(name="ShippingMethod")
class ShippingMethodType:
    id: strawberry.ID
    name: str
    currency_code: str
    amount: MinorUnits
    region_id: strawberry.ID | None
    is_active: bool

    @classmethod
    def of(cls, read: ShippingMethodRead) -> ShippingMethodType:
        region = None if read.region_id is None else strawberry.ID(str(read.region_id))
        return cls(
            id=strawberry.ID(str(read.id)), name=read.name, currency_code=read.currency_code,
            amount=MinorUnits(read.amount), region_id=region, is_active=read.is_active,
        )  # fmt: skip


@strawberry.input(name="RegionCreateInput")
class RegionCreateInputType:
    name: str
    currency_code: str
    tax_rate_bps: int | None = strawberry.field(default=None, description="basis points")
    countries: list[str] | None = strawberry.field(default=None, description="ISO 3166 codes")


@strawberry.input(name="ShippingMethodCreateInput")
class ShippingMethodCreateInputType:
    name: str
    currency_code: str
    amount: MinorUnits
    region_id: strawberry.ID | None = strawberry.field(
        default=None, description="left out: every destination in the currency"
    )


def _matching(value: str | None, pattern: re.Pattern[str], field: str) -> str | None:
    if value is not None and not pattern.fullmatch(value):
        raise ValidationFailed(errors={field: [f"must match {pattern.pattern}"]})
    return value


@strawberry.type
class RegionQuery:
    @strawberry.field(permission_classes=[requires(perm.SETTINGS_LIST)])
    async def regions(self, info: RustokInfo) -> list[RegionType]:
        found = await runtime(info).regions.list_regions()
        return [RegionType.of(r) for r in found.items]

    @strawberry.field(permission_classes=[requires(perm.SETTINGS_LIST)])
    async def shipping_methods(self, info: RustokInfo) -> list[ShippingMethodType]:
        found = await runtime(info).regions.list_methods()
        return [ShippingMethodType.of(m) for m in found.items]

    @strawberry.field(
        permission_classes=[Public],
        description="Shipping options for a currency and destination country, cheapest first.",
    )
    async def store_shipping_methods(
        self, info: RustokInfo, currency: str, country: str | None = None
    ) -> list[ShippingMethodType]:
        found = await runtime(info).regions.list_methods(
            _matching(currency, _CURRENCY, "currency"), _matching(country, _COUNTRY, "country")
        )
        return [ShippingMethodType.of(m) for m in found.items]


@strawberry.type
class RegionMutation:
    @strawberry.mutation(permission_classes=[requires(perm.SETTINGS_CREATE)])
    async def create_region(self, info: RustokInfo, input: RegionCreateInputType) -> RegionType:
        data = convert(input_dict(input), RegionCreate)
        return RegionType.of(await runtime(info).regions.create_region(data))

    @strawberry.mutation(permission_classes=[requires(perm.SETTINGS_DELETE)])
    async def delete_region(self, info: RustokInfo, id: strawberry.ID) -> bool:
        """Delete a region and its shipping methods."""
        await runtime(info).regions.delete_region(parse_id(id))
        return True

    @strawberry.mutation(permission_classes=[requires(perm.SETTINGS_CREATE)])
    async def create_shipping_method(
        self, info: RustokInfo, input: ShippingMethodCreateInputType
    ) -> ShippingMethodType:
        data = convert(input_dict(input), ShippingMethodCreate)
        return ShippingMethodType.of(await runtime(info).regions.create_method(data))

    @strawberry.mutation(permission_classes=[requires(perm.SETTINGS_DELETE)])
    async def delete_shipping_method(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await runtime(info).regions.delete_method(parse_id(id))
        return True
