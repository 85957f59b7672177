"""Price lists: named sets of prices (per variant, currency and minimum quantity) that apply
while the list is active and inside its validity window."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Annotated, Literal

import msgspec
from sqlalchemy import delete, select

from rustok.core.db import fetch_page
from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.platform import Platform
from rustok.modules.commerce.catalog.models import Price, PriceList, Variant
from rustok.modules.commerce.fields import (
    Amount,
    AwareDateTime,
    CurrencyCode,
    LongText,
    Quantity,
    Text,
)


class PriceListCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: Text
    description: LongText | None = None
    status: Literal["active", "draft"] = "active"
    starts_at: AwareDateTime | None = None
    ends_at: AwareDateTime | None = None


class PriceListPriceInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    variant_id: uuid.UUID
    currency_code: CurrencyCode
    amount: Amount
    min_quantity: Quantity = 1


PriceListPrices = Annotated[list[PriceListPriceInput], msgspec.Meta(max_length=1000)]


class PriceListPriceRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    variant_id: uuid.UUID
    currency_code: str
    amount: int
    min_quantity: int


class PriceListRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    description: str | None
    status: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    prices: list[PriceListPriceRead]
    created_at: dt.datetime


class PriceListList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[PriceListRead]
    page: int
    per_page: int
    total: int


def _read(row: PriceList, prices: list[Price]) -> PriceListRead:
    return PriceListRead(
        id=row.id,
        name=row.name,
        description=row.description,
        status=row.status,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        created_at=row.created_at,
        prices=[
            PriceListPriceRead(
                id=p.id,
                variant_id=p.variant_id,
                currency_code=p.currency_code,
                amount=p.amount,
                min_quantity=p.min_quantity,
            )
            for p in prices
        ],
    )


class PriceListService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def list_page(self, page: int, per_page: int) -> PriceListList:
        async with self._platform.db.read_session() as session:
            rows, total = await fetch_page(
                session, select(PriceList).order_by(PriceList.id.desc()), page=page,
                per_page=per_page,
            )  # fmt: skip
            prices: dict[uuid.UUID, list[Price]] = defaultdict(list)
            if rows:
                for price in await session.scalars(
                    select(Price)
                    .where(Price.price_list_id.in_([r.id for r in rows]))
                    .order_by(Price.variant_id, Price.currency_code, Price.min_quantity)
                ):
                    assert price.price_list_id is not None
                    prices[price.price_list_id].append(price)
            items = [_read(r, prices[r.id]) for r in rows]
        return PriceListList(items=items, page=page, per_page=per_page, total=total)

    async def get(self, price_list_id: uuid.UUID) -> PriceListRead:
        async with self._platform.db.read_session() as session:
            row = await session.get(PriceList, price_list_id)
            if row is None:
                raise NotFound("no such price list")
            prices = await session.scalars(
                select(Price)
                .where(Price.price_list_id == row.id)
                .order_by(Price.variant_id, Price.currency_code, Price.min_quantity)
            )
            return _read(row, list(prices))

    async def create(self, data: PriceListCreate) -> PriceListRead:
        if data.starts_at and data.ends_at and data.ends_at <= data.starts_at:
            raise ValidationFailed(errors={"ends_at": ["must be after starts_at"]})
        async with self._platform.uow() as uow:
            row = PriceList(
                name=data.name, description=data.description, status=data.status,
                starts_at=data.starts_at, ends_at=data.ends_at,
            )  # fmt: skip
            uow.session.add(row)
            await uow.session.flush()
            result = _read(row, [])
            await uow.commit()
        return result

    async def set_prices(
        self, price_list_id: uuid.UUID, prices: list[PriceListPriceInput]
    ) -> PriceListRead:
        keys = [(p.variant_id, p.currency_code, p.min_quantity) for p in prices]
        if len(set(keys)) != len(keys):
            raise ValidationFailed(
                errors={"prices": ["one price per variant, currency and minimum quantity"]}
            )
        async with self._platform.uow() as uow:
            row = await uow.session.get(PriceList, price_list_id, with_for_update=True)
            if row is None:
                raise NotFound("no such price list")
            wanted = {p.variant_id for p in prices}
            known = set(await uow.session.scalars(select(Variant.id).where(Variant.id.in_(wanted))))
            if wanted - known:
                unknown = sorted(str(v) for v in wanted - known)
                raise ValidationFailed(errors={"variant_id": [f"unknown {v}" for v in unknown]})
            await uow.session.execute(
                delete(Price)
                .where(Price.price_list_id == row.id)
                .execution_options(synchronize_session=False)
            )
            rows = [
                Price(
                    variant_id=p.variant_id,
                    price_list_id=row.id,
                    currency_code=p.currency_code,
                    amount=p.amount,
                    min_quantity=p.min_quantity,
                )
                for p in prices
            ]
            uow.session.add_all(rows)
            await uow.session.flush()
            result = _read(row, rows)
            await uow.commit()
        return result

    async def delete(self, price_list_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            row = await uow.session.get(PriceList, price_list_id, with_for_update=True)
            if row is None:
                raise NotFound("no such price list")
            await uow.session.delete(row)
            await uow.commit()
