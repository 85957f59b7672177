"""GraphQL: storefront checkout (the same service as ``POST /api/store/carts/{id}/checkout``).

The cart is reached as in carts/graphql.py; the ``Idempotency-Key`` is an argument.
"""

from __future__ import annotations

import strawberry

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce.checkout.schemas import IDEMPOTENCY_KEY_RE, CheckoutRequest
from rustok.modules.commerce.graphql_support import AddressInput, cart_access, runtime
from rustok.modules.commerce.orders.graphql import OrderType
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.inputs import convert, input_dict
from rustok.web.permissions import Public


@strawberry.input
class CheckoutInput:
    email: str
    shipping_address: AddressInput
    billing_address: AddressInput | None = None
    shipping_method: strawberry.ID | None = None
    discount_code: str | None = None
    payment_provider: str | None = None
    payment_token: str | None = None
    locale: str | None = None


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
        request = info.context.request
        order = await runtime(info).checkout.place_order(
            parse_id(cart_id, "cart_id"), cart_access(info, token), body, idempotency_key,
            accept_language=request.headers.get("accept-language") if request else None,
        )  # fmt: skip
        return OrderType.of(order)
