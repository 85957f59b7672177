"""GraphQL: storefront carts (the same services as ``/api/store/carts``).

A cart is reached with its token (argument ``token`` or header ``X-Cart-Token``) or by its
signed-in owner.
"""

from __future__ import annotations

import uuid

import strawberry

from rustok.modules.commerce.carts.schemas import (
    CartCreate,
    CartItemCreate,
    CartItemUpdate,
    CartRead,
    CartUpdate,
)
from rustok.modules.commerce.graphql_support import cart_access, runtime
from rustok.web.graphql import RustokInfo, no_store, parse_id
from rustok.web.inputs import convert, patch_dict
from rustok.web.permissions import Public
from rustok.web.scalars import MinorUnits


def _id_or_none(value: uuid.UUID | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


@strawberry.input(name="CartUpdateInput", description="Left-out fields stay; null clears one.")
class CartUpdateInputType:
    email: str | None = strawberry.UNSET
    discount_code: str | None = strawberry.UNSET
    shipping_method_id: strawberry.ID | None = strawberry.UNSET
    country_code: str | None = strawberry.UNSET


@strawberry.type(name="CartItem")
class CartItemType:
    id: strawberry.ID
    variant_id: strawberry.ID
    sku: str
    title: str
    quantity: int
    unit_price: MinorUnits
    total: MinorUnits


@strawberry.type(name="Cart")
class CartType:
    id: strawberry.ID
    secret_token: strawberry.Private[str]
    status: str
    currency_code: str
    email: str | None
    discount_code: str | None
    country_code: str | None
    shipping_method_id: strawberry.ID | None
    items: list[CartItemType]
    item_count: int
    subtotal: MinorUnits
    discount_total: MinorUnits
    tax_total: MinorUnits
    shipping_total: MinorUnits
    total: MinorUnits

    @strawberry.field
    def token(self, info: RustokInfo) -> str:
        no_store(info)  # a cart's token opens it: the answer is never kept
        return self.secret_token

    @classmethod
    def of(cls, cart: CartRead) -> CartType:
        return cls(
            id=strawberry.ID(str(cart.id)), secret_token=cart.token, status=cart.status,
            currency_code=cart.currency_code, email=cart.email, discount_code=cart.discount_code,
            country_code=cart.country_code,
            shipping_method_id=_id_or_none(cart.shipping_method_id),
            items=[
                CartItemType(
                    id=strawberry.ID(str(i.id)), variant_id=strawberry.ID(str(i.variant_id)),
                    sku=i.sku, title=i.title, quantity=i.quantity,
                    unit_price=MinorUnits(i.unit_price), total=MinorUnits(i.total),
                )
                for i in cart.items
            ],
            item_count=cart.item_count, subtotal=MinorUnits(cart.subtotal),
            discount_total=MinorUnits(cart.discount_total), tax_total=MinorUnits(cart.tax_total),
            shipping_total=MinorUnits(cart.shipping_total), total=MinorUnits(cart.total),
        )  # fmt: skip


@strawberry.type
class CartQuery:
    @strawberry.field(permission_classes=[Public])
    async def cart(self, info: RustokInfo, id: strawberry.ID, token: str | None = None) -> CartType:
        found = await runtime(info).carts.get(parse_id(id), cart_access(info, token))
        return CartType.of(found)


@strawberry.type
class CartMutation:
    @strawberry.mutation(permission_classes=[Public])
    async def create_cart(
        self, info: RustokInfo, currency_code: str | None = None, email: str | None = None
    ) -> CartType:
        body = convert({"currency_code": currency_code, "email": email}, CartCreate)
        return CartType.of(await runtime(info).carts.create(body, cart_access(info, None)))

    @strawberry.mutation(permission_classes=[Public])
    async def add_cart_item(
        self, info: RustokInfo, cart_id: strawberry.ID, variant_id: strawberry.ID, quantity: int,
        token: str | None = None,
    ) -> CartType:  # fmt: skip
        body = convert({"variant_id": str(variant_id), "quantity": quantity}, CartItemCreate)
        cart = await runtime(info).carts.add_item(
            parse_id(cart_id, "cart_id"), cart_access(info, token), body
        )
        return CartType.of(cart)

    @strawberry.mutation(permission_classes=[Public])
    async def update_cart_item(
        self, info: RustokInfo, cart_id: strawberry.ID, item_id: strawberry.ID, quantity: int,
        token: str | None = None,
    ) -> CartType:  # fmt: skip
        body = convert({"quantity": quantity}, CartItemUpdate)
        cart = await runtime(info).carts.update_item(
            parse_id(cart_id, "cart_id"), parse_id(item_id, "item_id"), cart_access(info, token),
            body,
        )  # fmt: skip
        return CartType.of(cart)

    @strawberry.mutation(permission_classes=[Public])
    async def remove_cart_item(
        self, info: RustokInfo, cart_id: strawberry.ID, item_id: strawberry.ID,
        token: str | None = None,
    ) -> CartType:  # fmt: skip
        cart = await runtime(info).carts.remove_item(
            parse_id(cart_id, "cart_id"), parse_id(item_id, "item_id"), cart_access(info, token)
        )
        return CartType.of(cart)

    @strawberry.mutation(permission_classes=[Public])
    async def apply_discount_code(
        self, info: RustokInfo, cart_id: strawberry.ID, code: str | None,
        token: str | None = None,
    ) -> CartType:  # fmt: skip
        body = convert({"discount_code": code}, CartUpdate)
        cart = await runtime(info).carts.update(
            parse_id(cart_id, "cart_id"), cart_access(info, token), body
        )
        return CartType.of(cart)

    @strawberry.mutation(permission_classes=[Public])
    async def update_cart(
        self, info: RustokInfo, cart_id: strawberry.ID, input: CartUpdateInputType,
        token: str | None = None,
    ) -> CartType:  # fmt: skip
        """Set the email, destination country, shipping method or discount code."""
        body = convert(patch_dict(input), CartUpdate)
        cart = await runtime(info).carts.update(
            parse_id(cart_id, "cart_id"), cart_access(info, token), body
        )
        return CartType.of(cart)

    @strawberry.mutation(permission_classes=[Public])
    async def merge_cart(self, info: RustokInfo, token: str | None = None) -> CartType:
        """After signing in: fold the anonymous cart (its token, as argument or
        ``X-Cart-Token``) into the customer's open cart, or make it theirs."""
        return CartType.of(await runtime(info).carts.merge(cart_access(info, token)))
