"""Guest order lookup: a buyer without an account finds their order again by its number, the
email it was placed with and the lookup token of the confirmation (the checkout's answer and
the order-placed mail carry it).

The token is an HMAC of the order id keyed by the token of the cart the order came from: a
256-bit secret that only the buyer ever saw, stored with the cart and never changed. So no
new secret is stored, the consumer writing the mail can derive it, and an order without a
cart (none today) simply has no lookup. It is compared in constant time, and a wrong
number, email or token are the same 404 as an order that does not exist.

Attempts are throttled per client address and per order number (``limits``, in memory per
process, ``RUSTOK_COMMERCE_ORDER_LOOKUP_RATE_LIMIT``): a 256-bit token cannot be guessed, but
numbers and emails should not be probed at request speed either. The query, which needs
the cart, is checkout's (``checkout/guest_orders.py``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from typing import Annotated

import msgspec
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from rustok.auth.metrics import RATE_LIMIT_REJECTIONS
from rustok.core.context import current_context
from rustok.core.errors import RustokError
from rustok.modules.commerce.fields import Email

TOKEN_CONTEXT = b"rustok:order-lookup:v1:"
# The token of an order that has none (no cart), so every miss costs one comparison.
_NO_TOKEN = "-" * 43

LookupToken = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class OrderLookup(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the confirmation gave the buyer."""

    number: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    email: Email
    token: LookupToken


class TooManyLookups(RustokError):
    status = 429
    code = "RATE_LIMITED"
    title = "Too many requests"


def lookup_token(cart_token: str | None, order_id: uuid.UUID) -> str | None:
    """The order's lookup token (43 characters), or None for an order without a cart."""
    if cart_token is None:
        return None
    digest = hmac.new(cart_token.encode(), TOKEN_CONTEXT + order_id.bytes, hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def token_matches(expected: str | None, given: str) -> bool:
    """Constant time whatever ``given`` is; False when the order has no token."""
    same = hmac.compare_digest((expected or _NO_TOKEN).encode(), given.encode())
    return same and expected is not None


class LookupThrottle:
    """Counts lookups per client address and per (tenant, order number)."""

    def __init__(self, limit: str) -> None:
        self._items: list[RateLimitItem] = [] if limit.strip() == "0" else parse_many(limit)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def admit(self, number: int) -> None:
        """Count this attempt, or refuse it (429 with ``Retry-After``)."""
        ctx = current_context()
        keys = (f"ip:{ctx.client_ip or 'unknown'}", f"order:{ctx.tenant_id}:{number}")
        for item in self._items:
            for key in keys:
                if not await self._limiter.hit(item, "order-lookup", key):
                    RATE_LIMIT_REJECTIONS.labels("order_lookup").inc()
                    retry = max(1, item.get_expiry())
                    raise TooManyLookups(
                        f"too many order lookups; try again in {retry} s",
                        headers={"Retry-After": str(retry)},
                    )
