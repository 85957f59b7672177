"""Carts as support staff see them (the admin's carts screen): every cart of the tenant,
read-only, without its token.

A list row counts the cart's lines and units (one batched statement for the page); the
detail prices the cart as its owner sees it (today's prices, ``read_cart``) and names its
customer and region.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Final

import msgspec
from sqlalchemy import func, or_, select

from rustok.auth.models import User
from rustok.core.db.text_match import contains_text
from rustok.core.errors import NotFound
from rustok.core.platform import Platform
from rustok.modules.commerce.carts.models import Cart, CartItem
from rustok.modules.commerce.carts.schemas import CartRead
from rustok.modules.commerce.carts.service import read_cart
from rustok.modules.commerce.regions.models import Region

CART_SORTS: Final = ("created", "updated")


class CartRow(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    status: str
    email: str | None
    customer_email: str | None
    currency_code: str
    lines: int
    units: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CartRowPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[CartRow]
    total: int


class CartDetail(msgspec.Struct, frozen=True, kw_only=True):
    cart: CartRead
    customer_email: str | None
    region_name: str | None


class CartStaffReads:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    async def list_page(
        self, page: int, per_page: int, *, status: str | None = None, q: str | None = None,
        sort: str = "-updated",
    ) -> CartRowPage:  # fmt: skip
        """Carts with ``status``, whose e-mail (or their customer's) contains ``q``; sorted
        by ``created`` or ``updated`` (``-`` first: newest first)."""
        column = Cart.created_at if sort.removeprefix("-") == "created" else Cart.updated_at
        order = column.desc() if sort.startswith("-") else column.asc()
        statement = (
            select(Cart, User.email)
            .outerjoin(User, User.id == Cart.customer_id)
            .order_by(order, Cart.id.desc())
        )
        if status is not None:
            statement = statement.where(Cart.status == status)
        if q:
            statement = statement.where(
                or_(contains_text(Cart.email, q), contains_text(User.email, q))
            )
        async with self._platform.db.read_session() as session:
            total = await session.scalar(
                select(func.count()).select_from(statement.order_by(None).subquery())
            )
            rows = (await session.execute(
                statement.offset((page - 1) * per_page).limit(per_page)
            )).all()  # fmt: skip
            counts: dict[uuid.UUID, tuple[int, int]] = {}
            if rows:
                ids = [cart.id for cart, _ in rows]
                found = await session.execute(
                    select(
                        CartItem.cart_id,
                        func.count(),
                        func.coalesce(func.sum(CartItem.quantity), 0),
                    )
                    .where(CartItem.cart_id.in_(ids))
                    .group_by(CartItem.cart_id)
                )
                counts = {cart_id: (int(n), int(units)) for cart_id, n, units in found}
        items = [
            CartRow(
                id=cart.id, status=cart.status, email=cart.email, customer_email=customer,
                currency_code=cart.currency_code, lines=counts.get(cart.id, (0, 0))[0],
                units=counts.get(cart.id, (0, 0))[1], created_at=cart.created_at,
                updated_at=cart.updated_at,
            )
            for cart, customer in rows
        ]  # fmt: skip
        return CartRowPage(items=items, total=total or 0)

    async def get(self, cart_id: uuid.UUID) -> CartDetail:
        """One cart priced as its owner sees it, with its customer's e-mail and region."""
        async with self._platform.db.read_session() as session:
            cart = await session.get(Cart, cart_id)
            if cart is None:
                raise NotFound("no such cart")
            read = await read_cart(session, cart)
            customer = (
                await session.scalar(select(User.email).where(User.id == cart.customer_id))
                if cart.customer_id
                else None
            )
            region = (
                await session.scalar(select(Region.name).where(Region.id == read.region_id))
                if read.region_id
                else None
            )
        return CartDetail(cart=read, customer_email=customer, region_name=region)
