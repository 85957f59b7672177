"""GraphQL: stock locations, through the same ``InventoryService`` as
``/api/commerce/stock-locations``."""

from __future__ import annotations

import datetime as dt

import strawberry

from rustok.modules.commerce import permissions as perm
from rustok.modules.commerce.graphql_support import AddressInput, runtime
from rustok.modules.commerce.inventory.schemas import StockLocationCreate, StockLocationRead
from rustok.web.graphql import RustokInfo
from rustok.web.inputs import convert, input_dict
from rustok.web.permissions import requires


@strawberry.type(name="PostalAddress")
class PostalAddressType:
    first_name: str | None
    last_name: str | None
    company: str | None
    address1: str | None
    address2: str | None
    city: str | None
    province: str | None
    postal_code: str | None
    country_code: str | None
    phone: str | None


@strawberry.type(name="StockLocation")
class StockLocationType:
    id: strawberry.ID
    code: str
    name: str
    is_default: bool
    address: PostalAddressType | None
    created_at: dt.datetime

    @classmethod
    def of(cls, read: StockLocationRead) -> StockLocationType:
        fields = PostalAddressType.__annotations__
        address = (
            None
            if read.address is None
            else PostalAddressType(**{name: read.address.get(name) for name in fields})
        )
        return cls(
            id=strawberry.ID(str(read.id)), code=read.code, name=read.name,
            is_default=read.is_default, address=address, created_at=read.created_at,
        )  # fmt: skip


@strawberry.input(name="StockLocationCreateInput")
class StockLocationCreateInputType:
    code: str = strawberry.field(description="unique per tenant; 'default' is reserved")
    name: str
    address: AddressInput | None = None


@strawberry.type
class StockLocationQuery:
    @strawberry.field(permission_classes=[requires(perm.INVENTORY_LIST)])
    async def stock_locations(self, info: RustokInfo) -> list[StockLocationType]:
        """Stock locations, the tenant's default one first (created on first use)."""
        return [StockLocationType.of(x) for x in await runtime(info).inventory.list_locations()]


@strawberry.type
class StockLocationMutation:
    @strawberry.mutation(permission_classes=[requires(perm.INVENTORY_CREATE)])
    async def create_stock_location(
        self, info: RustokInfo, input: StockLocationCreateInputType
    ) -> StockLocationType:
        data = convert(input_dict(input), StockLocationCreate)
        return StockLocationType.of(await runtime(info).inventory.create_location(data))
