"""Commerce settings (``RUSTOK_*``, README "Configuration"): how long orders, carts and
checkout keys live before the periodic jobs (``jobs.py``) expire them; ``0`` never does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import msgspec

from rustok.core.module_settings import ModuleSettings
from rustok.core.setting_values import SettingsError

if TYPE_CHECKING:
    from rustok.core.settings import Settings

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
    order_lookup_rate_limit: Annotated[
        str,
        msgspec.Meta(
            description="guest order lookups (`POST /api/store/orders/lookup`) per client "
            "address and per order number, in each process (`limits` notation); `0` = no limit",
        ),
    ] = "10/minute;50/hour"

    def check(self, variable: Callable[[str], str], platform: Settings) -> None:
        from limits import parse_many

        value = self.order_lookup_rate_limit
        try:
            if value.strip() != "0":
                parse_many(value)
        except ValueError:
            raise SettingsError(
                f"{variable('order_lookup_rate_limit')}: invalid value {value!r}; expected "
                "the `limits` notation, e.g. 10/minute;50/hour, or 0 (off)"
            ) from None
