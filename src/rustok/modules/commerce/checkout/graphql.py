"""GraphQL: storefront checkout (the same service as ``POST /api/store/carts/{id}/checkout``).

The cart is reached as in carts/graphql.py; the ``Idempotency-Key`` is an argument.
"""

from __future__ import annotations

import strawberry

from rustok.auth.guard import Public
from rustok.core.errors import ValidationFailed
from rustok.core.graphql import RustokInfo
from rustok.modules.commerce.carts.graphql import cart_access
from rustok.modules.commerce.checkout.schemas import IDEMPOTENCY_KEY_RE, CheckoutRequest
from rustok.modules.commerce.checkout.service import CheckoutService
from rustok.modules.commerce.graphql_support import convert, input_dict, parse_id
from rustok.modules.commerce.orders.graphql import OrderType


def _checkout(info: RustokInfo) -> CheckoutService:
    return CheckoutService(info.context.platform)


@strawberry.input
class AddressInput:
    first_name: str
    last_name: str
    address1: str
    city: str
    postal_code: str
    country_code: str
    company: str | None = None
    address2: str | None = None
    province: str | None = None
    phone: str | None = None


@strawberry.input
class CheckoutInput:
    email: str
    shipping_address: AddressInput
    billing_address: AddressInput | None = None
    shipping_method: strawberry.ID | None = None
    discount_code: str | None = None
    payment_provider: str | None = None
    payment_token: str | None = None


@strawberry.type
class CheckoutMutation:
    @strawberry.mutation(permission_classes=[Public])
    async def checkout(
        self, info: RustokInfo, cart_id: strawberry.ID, input: CheckoutInput,
        token: str | None = None, idempotency_key: str | None = None,
    ) -> OrderType:  # fmt: skip
        data = input_dict(input)
        data.setdefault("payment_provider", "manual")
        body = convert(data, CheckoutRequest)
        if idempotency_key is not None and not IDEMPOTENCY_KEY_RE.match(idempotency_key):
            raise ValidationFailed(
                errors={"idempotency_key": ["1..255 printable ASCII characters, no spaces"]}
            )
        order = await _checkout(info).place_order(
            parse_id(cart_id, "cart_id"), cart_access(info, token), body, idempotency_key
        )
        return OrderType.of(order)
