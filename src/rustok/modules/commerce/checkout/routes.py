"""REST: ``POST /api/store/carts/{id}/checkout`` (API.md, STYLE section D step 3)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, post
from litestar.datastructures import CacheControlHeader
from litestar.params import FromPath, HeaderParameter, JSONBody

from rustok.modules.commerce.checkout.schemas import IDEMPOTENCY_KEY_PATTERN, CheckoutRequest
from rustok.modules.commerce.deps import COMMERCE_DEPENDENCIES, Access, Commerce
from rustok.modules.commerce.orders.schemas import OrderRead

IdempotencyKeyHeader = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key", min_length=1, max_length=255, pattern=IDEMPOTENCY_KEY_PATTERN,
        required=False,
        description="retries with the same key return the same order, never a second one",
    ),
]  # fmt: skip
AcceptLanguage = Annotated[
    str | None, HeaderParameter(name="Accept-Language", max_length=512, required=False)
]


class CheckoutController(Controller):
    path = "/api/store/carts"
    tags = ["storefront"]
    dependencies = COMMERCE_DEPENDENCIES
    # The answer carries the guest's lookup token: never kept by a browser or a proxy.
    cache_control = CacheControlHeader(no_store=True)

    @post(
        "/{cart_id:uuid}/checkout",
        status_code=201,
        public=True,
        optional_auth=True,
        graphql_twin="checkout",
    )
    async def checkout(
        self, commerce: Commerce, access: Access, cart_id: FromPath[uuid.UUID],
        data: JSONBody[CheckoutRequest], idempotency_key: IdempotencyKeyHeader = None,
        accept_language: AcceptLanguage = None,
    ) -> OrderRead:  # fmt: skip
        """Place the order: reserve stock, apply the discount, authorise the payment, all
        or nothing. 409 INSUFFICIENT_INVENTORY names the variants short of stock. The order's
        mails are in ``locale``, else the best Accept-Language match, else the default."""
        return await commerce.checkout.place_order(
            cart_id, access, data, idempotency_key, accept_language=accept_language
        )
