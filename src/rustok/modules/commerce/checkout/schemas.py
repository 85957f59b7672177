"""The checkout request (API.md: ``POST /api/store/carts/{id}/checkout``)."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

import msgspec

from rustok.modules.commerce.fields import Address, Code, Email, ShortText
from rustok.modules.content.interface import LocaleTag

IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
IDEMPOTENCY_KEY_RE = re.compile(IDEMPOTENCY_KEY_PATTERN)


class CheckoutRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    email: Email
    shipping_address: Address
    billing_address: Address | None = None
    # A shipping method id; default: the cheapest for the cart's currency and region.
    shipping_method: uuid.UUID | None = None
    # Overrides the code applied to the cart, if any.
    discount_code: Code | None = None
    payment_provider: Annotated[
        str, msgspec.Meta(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    ] = "manual"
    # Handed to the provider (a card token from the provider's client library).
    payment_token: ShortText | None = None
    # The language of the order's mails (one of the tenant's locales); default: the best
    # match of Accept-Language, else the tenant's default locale.
    locale: LocaleTag | None = None
