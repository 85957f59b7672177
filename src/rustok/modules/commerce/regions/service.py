"""Regions (tax rate per region) and flat-rate shipping methods, and how a cart finds them.

A cart's region is the region of its currency whose countries include the shipping
address's country; no region means no tax. Shipping is the chosen method (it must serve the
cart's currency and region) or, when none is chosen, the cheapest that does; none at all
means free shipping.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import msgspec
from sqlalchemy import bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db.scoped_rows import fetch_scoped
from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.platform import Platform
from rustok.modules.commerce.fields import Amount, CountryCode, CurrencyCode, RateBps, Text
from rustok.modules.commerce.regions.models import Region, ShippingMethod

Countries = Annotated[list[CountryCode], msgspec.Meta(max_length=250)]


class RegionCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text
    currency_code: CurrencyCode
    tax_rate_bps: RateBps = 0
    countries: Countries = msgspec.field(default_factory=list)


class ShippingMethodCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text
    currency_code: CurrencyCode
    amount: Amount
    region_id: uuid.UUID | None = None


class ShippingMethodRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    currency_code: str
    amount: int
    region_id: uuid.UUID | None
    is_active: bool


class RegionRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    currency_code: str
    tax_rate_bps: int
    countries: list[str]
    created_at: dt.datetime


class RegionList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[RegionRead]


class ShippingMethodList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ShippingMethodRead]


def to_region_read(row: Region) -> RegionRead:
    return RegionRead(
        id=row.id, name=row.name, currency_code=row.currency_code, tax_rate_bps=row.tax_rate_bps,
        countries=[str(c) for c in row.countries], created_at=row.created_at,
    )  # fmt: skip


def to_method_read(row: ShippingMethod | ShippingOption) -> ShippingMethodRead:
    return ShippingMethodRead(
        id=row.id, name=row.name, currency_code=row.currency_code, amount=row.amount,
        region_id=row.region_id, is_active=row.is_active,
    )  # fmt: skip


class CartRegion(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """What pricing a cart needs of a region (a row of ``_REGIONS``)."""

    id: uuid.UUID
    tax_rate_bps: int
    countries: Any  # JSON: SQLite and asyncpg give its text


class ShippingOption(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """An active shipping method (a row of ``_METHODS``)."""

    id: uuid.UUID
    region_id: uuid.UUID | None
    name: str
    currency_code: str
    amount: int
    is_active: bool


# The reads of every cart pricing: compiled once with the tenant's criteria and run on the
# session's connection (core/db/scoped_rows.py).
_REGIONS = (
    select(Region.id, Region.tax_rate_bps, Region.countries)
    .where(Region.currency_code == bindparam("currency"))
    .order_by(Region.id)
)
_METHODS = (
    select(
        ShippingMethod.id,
        ShippingMethod.region_id,
        ShippingMethod.name,
        ShippingMethod.currency_code,
        ShippingMethod.amount,
        ShippingMethod.is_active,
    )
    .where(ShippingMethod.currency_code == bindparam("currency"))
    .where(ShippingMethod.is_active.is_(True))
    .order_by(ShippingMethod.amount, ShippingMethod.id)
)
_METHODS_ANY_REGION = _METHODS.where(ShippingMethod.region_id.is_(None))
_METHODS_OF_REGION = _METHODS.where(
    or_(ShippingMethod.region_id.is_(None), ShippingMethod.region_id == bindparam("region_id"))
)


def _countries(value: Any) -> list[Any]:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else list(value)


async def find_region(
    session: AsyncSession, currency: str, country: str | None
) -> CartRegion | None:
    if country is None:
        return None
    rows = await fetch_scoped(session, _REGIONS, lambda: _REGIONS, {"currency": currency})
    regions = msgspec.convert(rows, list[CartRegion], strict=False)  # SQLite: hex UUIDs
    return next((r for r in regions if country in _countries(r.countries)), None)


async def shipping_options(
    session: AsyncSession, currency: str, region_id: uuid.UUID | None
) -> list[ShippingOption]:
    """Active methods for the currency (and the region, when there is one), cheapest first."""
    if region_id is None:
        rows = await fetch_scoped(
            session, _METHODS_ANY_REGION, lambda: _METHODS_ANY_REGION, {"currency": currency}
        )
    else:
        rows = await fetch_scoped(
            session, _METHODS_OF_REGION, lambda: _METHODS_OF_REGION,
            {"currency": currency, "region_id": region_id},
        )  # fmt: skip
    return msgspec.convert(rows, list[ShippingOption], strict=False)  # SQLite: 0/1, hex UUIDs


def choose_shipping(
    options: list[ShippingOption], chosen: uuid.UUID | None
) -> ShippingOption | None:
    if chosen is None:
        return options[0] if options else None
    for option in options:
        if option.id == chosen:
            return option
    raise ValidationFailed(
        errors={"shipping_method": ["not available for this cart's currency and address"]}
    )


class RegionService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def list_regions(self) -> RegionList:
        async with self._platform.db.read_session() as session:
            rows = await session.scalars(select(Region).order_by(Region.name, Region.id))
            return RegionList(items=[to_region_read(r) for r in rows])

    async def create_region(self, data: RegionCreate) -> RegionRead:
        async with self._platform.uow() as uow:
            row = Region(
                name=data.name, currency_code=data.currency_code, tax_rate_bps=data.tax_rate_bps,
                countries=sorted(set(data.countries)),
            )  # fmt: skip
            uow.session.add(row)
            await uow.session.flush()
            result = to_region_read(row)
            await uow.commit()
        return result

    async def delete_region(self, region_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            row = await uow.session.get(Region, region_id, with_for_update=True)
            if row is None:
                raise NotFound("no such region")
            await uow.session.delete(row)
            await uow.commit()

    async def list_methods(
        self, currency: str | None = None, country: str | None = None
    ) -> ShippingMethodList:
        async with self._platform.db.read_session() as session:
            if currency is not None:
                region = await find_region(session, currency, country)
                rows = await shipping_options(session, currency, region.id if region else None)
            else:
                rows = list(
                    await session.scalars(
                        select(ShippingMethod).order_by(ShippingMethod.name, ShippingMethod.id)
                    )
                )
            return ShippingMethodList(items=[to_method_read(r) for r in rows])

    async def create_method(self, data: ShippingMethodCreate) -> ShippingMethodRead:
        async with self._platform.uow() as uow:
            if data.region_id is not None:
                region = await uow.session.get(Region, data.region_id)
                if region is None:
                    raise ValidationFailed(errors={"region_id": ["no such region"]})
                if region.currency_code != data.currency_code:
                    raise ValidationFailed(
                        errors={"currency_code": ["must be the region's currency"]}
                    )
            row = ShippingMethod(
                name=data.name, currency_code=data.currency_code, amount=data.amount,
                region_id=data.region_id, is_active=True,
            )  # fmt: skip
            uow.session.add(row)
            await uow.session.flush()
            result = to_method_read(row)
            await uow.commit()
        return result

    async def delete_method(self, method_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            row = await uow.session.get(ShippingMethod, method_id, with_for_update=True)
            if row is None:
                raise NotFound("no such shipping method")
            await uow.session.delete(row)
            await uow.commit()
