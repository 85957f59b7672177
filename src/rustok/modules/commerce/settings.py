"""Commerce settings (``RUSTOK_*``, README "Configuration"): how long orders, carts and
checkout keys live before the periodic jobs (``jobs.py``) expire them; ``0`` never does."""

from __future__ import annotations

from typing import Annotated

import msgspec

from rustok.core.module_settings import ModuleSettings

YEAR = 365 * 24 * 3600


class CommerceSettings(ModuleSettings, frozen=True, kw_only=True):
    # Named before modules declared their settings: RUSTOK_CART_TTL, not RUSTOK_COMMERCE_….
    unprefixed = frozenset({"order_pending_ttl", "cart_ttl", "idempotency_key_ttl"})

    order_pending_ttl: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=YEAR,
            description="seconds an order may stay `pending`; older ones are cancelled (reason "
            "`expired`) and their stock released; `0` = never",
        ),
    ] = 24 * 3600  # fmt: skip
    cart_ttl: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=YEAR,
            description="seconds an open cart may go unchanged before it becomes `abandoned`; "
            "`0` = never",
        ),
    ] = 30 * 24 * 3600  # fmt: skip
    idempotency_key_ttl: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=YEAR,
            description="seconds a checkout `Idempotency-Key` is remembered; a retry after that "
            "gets 409 `CART_NOT_OPEN`, never a second order; `0` = forever",
        ),
    ] = 7 * 24 * 3600  # fmt: skip
