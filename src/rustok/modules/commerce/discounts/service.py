"""Discount codes: percentage or fixed amount, usage limit, validity window, minimum subtotal.

Usage is counted exactly under concurrent checkouts: the checkout's transaction runs
``UPDATE … SET usage_count = usage_count + 1 WHERE id = ? AND (usage_limit IS NULL OR
usage_count < usage_limit)``; PostgreSQL re-evaluates that condition on the newest row
version after waiting for a concurrent holder of the row lock, SQLite runs writers one at a
time, and a CHECK constraint backs it. No row updated means the code is used up, and a
rolled-back checkout gives its use back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

import msgspec
from msgspec import UNSET
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import fetch_page, utcnow
from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.platform import Platform
from rustok.modules.commerce.discounts.models import Discount
from rustok.modules.commerce.errors import DuplicateCode
from rustok.modules.commerce.fields import (
    Amount,
    AwareDateTime,
    Code,
    CurrencyCode,
    UsageLimit,
)
from rustok.modules.commerce.pricing import discount_unavailable

DiscountKind = Literal["percentage", "fixed"]


class DiscountCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: Code
    kind: DiscountKind
    # Percent (1..100) for "percentage"; minor units of currency_code for "fixed".
    value: Amount
    currency_code: CurrencyCode | None = None
    min_subtotal: Amount | None = None
    usage_limit: UsageLimit | None = None
    starts_at: AwareDateTime | None = None
    ends_at: AwareDateTime | None = None
    is_active: bool = True


class DiscountUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    is_active: bool | msgspec.UnsetType = UNSET
    usage_limit: UsageLimit | msgspec.UnsetType | None = UNSET
    min_subtotal: Amount | msgspec.UnsetType | None = UNSET
    starts_at: AwareDateTime | msgspec.UnsetType | None = UNSET
    ends_at: AwareDateTime | msgspec.UnsetType | None = UNSET


class DiscountRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    code: str
    kind: str
    value: int
    currency_code: str | None
    min_subtotal: int | None
    usage_limit: int | None
    usage_count: int
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class DiscountPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[DiscountRead]
    page: int
    per_page: int
    total: int


def to_discount_read(row: Discount) -> DiscountRead:
    return DiscountRead(
        id=row.id, code=row.code, kind=row.kind, value=row.value,
        currency_code=row.currency_code, min_subtotal=row.min_subtotal,
        usage_limit=row.usage_limit, usage_count=row.usage_count, starts_at=row.starts_at,
        ends_at=row.ends_at, is_active=row.is_active, created_at=row.created_at,
        updated_at=row.updated_at,
    )  # fmt: skip


async def find_discount(session: AsyncSession, code: str) -> Discount:
    row = await session.scalar(select(Discount).where(Discount.code == code.strip().upper()))
    if row is None:
        raise discount_unavailable("unknown code")
    return row


async def claim_usage(session: AsyncSession, discount_id: uuid.UUID) -> None:
    result = await session.execute(
        update(Discount)
        .where(
            Discount.id == discount_id,
            or_(Discount.usage_limit.is_(None), Discount.usage_count < Discount.usage_limit),
        )
        .values(usage_count=Discount.usage_count + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise discount_unavailable("used up")


async def release_usage(session: AsyncSession, discount_id: uuid.UUID) -> None:
    """Give a use back (a cancelled order): the code may be used again."""
    await session.execute(
        update(Discount)
        .where(Discount.id == discount_id, Discount.usage_count > 0)
        .values(usage_count=Discount.usage_count - 1)
        .execution_options(synchronize_session=False)
    )


def _validate(data: DiscountCreate) -> None:
    if data.kind == "percentage" and not 1 <= data.value <= 100:
        raise ValidationFailed(errors={"value": ["a percentage is 1..100"]})
    if data.kind == "fixed" and (data.value < 1 or data.currency_code is None):
        raise ValidationFailed(errors={"currency_code": ["a fixed amount needs a currency"]})
    if data.min_subtotal is not None and data.currency_code is None:
        raise ValidationFailed(errors={"currency_code": ["a minimum subtotal needs a currency"]})
    if data.starts_at and data.ends_at and data.ends_at <= data.starts_at:
        raise ValidationFailed(errors={"ends_at": ["must be after starts_at"]})


class DiscountService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def list_page(self, page: int, per_page: int) -> DiscountPage:
        async with self._platform.db.read_session() as session:
            rows, total = await fetch_page(
                session, select(Discount).order_by(Discount.code), page=page, per_page=per_page
            )
        items = [to_discount_read(r) for r in rows]
        return DiscountPage(items=items, page=page, per_page=per_page, total=total)

    async def get(self, discount_id: uuid.UUID) -> DiscountRead:
        async with self._platform.db.read_session() as session:
            row = await session.get(Discount, discount_id)
            if row is None:
                raise NotFound("no such discount")
            return to_discount_read(row)

    async def create(self, data: DiscountCreate) -> DiscountRead:
        _validate(data)
        code = data.code.upper()
        async with self._platform.uow() as uow:
            if await uow.session.scalar(select(Discount.id).where(Discount.code == code)):
                raise DuplicateCode(f"discount code {code!r} exists", errors={"code": ["taken"]})
            row = Discount(
                code=code, kind=data.kind, value=data.value, currency_code=data.currency_code,
                min_subtotal=data.min_subtotal, usage_limit=data.usage_limit, usage_count=0,
                starts_at=data.starts_at, ends_at=data.ends_at, is_active=data.is_active,
            )  # fmt: skip
            uow.session.add(row)
            try:
                await uow.session.flush()
            except IntegrityError:
                raise DuplicateCode(f"discount code {code!r} exists") from None
            result = to_discount_read(row)
            await uow.commit()
        return result

    async def update(self, discount_id: uuid.UUID, data: DiscountUpdate) -> DiscountRead:
        async with self._platform.uow() as uow:
            row = await uow.session.get(Discount, discount_id, with_for_update=True)
            if row is None:
                raise NotFound("no such discount")
            limit = data.usage_limit
            if limit is not UNSET and limit is not None and limit < row.usage_count:
                raise ValidationFailed(
                    errors={"usage_limit": [f"already used {row.usage_count} times"]}
                )
            minimum = data.min_subtotal
            if minimum is not UNSET and minimum is not None and row.currency_code is None:
                raise ValidationFailed(errors={"min_subtotal": ["the code has no currency"]})
            for field in ("is_active", "usage_limit", "min_subtotal", "starts_at", "ends_at"):
                value = getattr(data, field)
                if value is not UNSET:
                    setattr(row, field, value)
            if row.starts_at and row.ends_at and row.ends_at <= row.starts_at:
                raise ValidationFailed(errors={"ends_at": ["must be after starts_at"]})
            row.updated_at = utcnow()
            await uow.session.flush()
            result = to_discount_read(row)
            await uow.commit()
        return result

    async def delete(self, discount_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            row = await uow.session.get(Discount, discount_id, with_for_update=True)
            if row is None:
                raise NotFound("no such discount")
            await uow.session.delete(row)
            await uow.commit()
