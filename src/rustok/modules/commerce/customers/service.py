"""Customers: users of the tenant with the ``customer`` role, with their addresses.

Signing up (``POST /api/auth/register``) makes a customer; commerce adds the address book
and the admin view (with order counts).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence

import msgspec
from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.auth.models import User
from rustok.core.db import fetch_page
from rustok.core.db.text_match import contains_text
from rustok.core.errors import NotFound
from rustok.core.platform import Platform
from rustok.modules.commerce.customers.models import CustomerAddress
from rustok.modules.commerce.fields import Address
from rustok.modules.commerce.orders.models import Order
from rustok.rbac.models import Role, UserRole


class AddressCreate(Address, frozen=True, kw_only=True, forbid_unknown_fields=True):
    is_default: bool = False


class AddressRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    first_name: str
    last_name: str
    company: str | None
    address1: str
    address2: str | None
    city: str
    province: str | None
    postal_code: str
    country_code: str
    phone: str | None
    is_default: bool


class CustomerRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    email: str
    name: str | None
    status: str
    addresses: list[AddressRead]
    order_count: int
    created_at: dt.datetime


class CustomerPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[CustomerRead]
    page: int
    per_page: int
    total: int


def to_address_read(row: CustomerAddress) -> AddressRead:
    return AddressRead(
        id=row.id, first_name=row.first_name, last_name=row.last_name, company=row.company,
        address1=row.address1, address2=row.address2, city=row.city, province=row.province,
        postal_code=row.postal_code, country_code=row.country_code, phone=row.phone,
        is_default=row.is_default,
    )  # fmt: skip


def _customers() -> Select[tuple[User]]:
    return (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .join(Role, Role.id == UserRole.role_id)
        .where(Role.slug == "customer")
    )


class CustomerService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def _reads(self, session: AsyncSession, users: Sequence[User]) -> list[CustomerRead]:
        ids = [u.id for u in users]
        addresses: dict[uuid.UUID, list[AddressRead]] = defaultdict(list)
        counts: dict[uuid.UUID, int] = {}
        if ids:
            for row in await session.scalars(
                select(CustomerAddress)
                .where(CustomerAddress.user_id.in_(ids))
                .order_by(CustomerAddress.is_default.desc(), CustomerAddress.id)
            ):
                addresses[row.user_id].append(to_address_read(row))
            rows = await session.execute(
                select(Order.customer_id, func.count())
                .where(Order.customer_id.in_(ids))
                .group_by(Order.customer_id)
            )
            counts = {k: int(v) for k, v in rows.tuples() if k is not None}
        return [
            CustomerRead(
                id=u.id,
                email=u.email,
                name=u.name,
                status=u.status,
                addresses=addresses[u.id],
                order_count=counts.get(u.id, 0),
                created_at=u.created_at,
            )
            for u in users
        ]

    async def me(self, user_id: uuid.UUID) -> CustomerRead:
        async with self._platform.db.read_session() as session:
            user = await session.get(User, user_id)
            if user is None:
                raise NotFound("no such user")
            (read,) = await self._reads(session, [user])
            return read

    async def add_address(self, user_id: uuid.UUID, data: AddressCreate) -> CustomerRead:
        async with self._platform.uow() as uow:
            if data.is_default:
                await uow.session.execute(
                    update(CustomerAddress)
                    .where(CustomerAddress.user_id == user_id)
                    .values(is_default=False)
                    .execution_options(synchronize_session=False)
                )
            fields = msgspec.to_builtins(data)
            uow.session.add(CustomerAddress(user_id=user_id, **fields))
            await uow.session.flush()
            user = await uow.session.get(User, user_id)
            assert user is not None
            (read,) = await self._reads(uow.session, [user])
            await uow.commit()
        return read

    async def delete_address(self, user_id: uuid.UUID, address_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            row = await uow.session.get(CustomerAddress, address_id)
            if row is None or row.user_id != user_id:
                raise NotFound("no such address")
            await uow.session.delete(row)
            await uow.commit()

    async def list_page(
        self, page: int, per_page: int, q: str | None = None, *, newest_first: bool = True
    ) -> CustomerPage:
        statement = _customers()
        if q:
            statement = statement.where(contains_text(User.email, q))
        async with self._platform.db.read_session() as session:
            users, total = await fetch_page(
                session,
                statement.order_by(User.id.desc() if newest_first else User.id.asc()),
                page=page,
                per_page=per_page,
            )
            items = await self._reads(session, users)
        return CustomerPage(items=items, page=page, per_page=per_page, total=total)

    async def get(self, user_id: uuid.UUID) -> CustomerRead:
        async with self._platform.db.read_session() as session:
            user = await session.scalar(_customers().where(User.id == user_id))
            if user is None:
                raise NotFound("no such customer")
            (read,) = await self._reads(session, [user])
            return read
