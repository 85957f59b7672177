"""Commerce errors: refinements of the platform tree (``rustok.core.errors``).

::

    Conflict (409)
     ├── InsufficientInventory    INSUFFICIENT_INVENTORY   names the variants short of stock
     ├── DuplicateHandle          DUPLICATE_HANDLE         handle taken in that locale
     ├── DuplicateSku             DUPLICATE_SKU
     ├── DuplicateCode            DUPLICATE_CODE           discount code, location code
     ├── ProductNotDeletable      PRODUCT_ACTIVE           unpublish or archive it first
     ├── CartNotOpen              CART_NOT_OPEN            completed or abandoned cart
     └── DiscountUnavailable      DISCOUNT_UNAVAILABLE     expired, used up, below minimum
    IdempotencyKeyReused (422)    IDEMPOTENCY_KEY_REUSED   same key on a cart, other body
    UnknownMedia (422)            UNKNOWN_MEDIA            an image names no media of the tenant
    PaymentDeclined (402)         PAYMENT_DECLINED         the provider refused; nothing kept
    PaymentProviderFailed (503)   PAYMENT_PROVIDER_FAILED  the provider errored or timed out
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from rustok.core.errors import Conflict, InvalidTransition, RustokError, Unavailable

__all__ = [
    "CartNotOpen",
    "DiscountUnavailable",
    "DuplicateCode",
    "DuplicateHandle",
    "DuplicateSku",
    "IdempotencyKeyReused",
    "InsufficientInventory",
    "InvalidTransition",
    "PaymentDeclined",
    "PaymentProviderFailed",
    "ProductNotDeletable",
    "UnknownMedia",
]


class InsufficientInventory(Conflict):
    """Not enough available stock for some variants; ``errors`` names each one."""

    code = "INSUFFICIENT_INVENTORY"
    title = "Insufficient inventory"

    def __init__(self, shortages: Sequence[tuple[uuid.UUID, int, int]]) -> None:
        # (variant id, requested, available)
        self.variant_ids = [variant for variant, _, _ in shortages]
        names = ", ".join(str(v) for v in self.variant_ids)
        super().__init__(
            f"not enough stock for variant(s) {names}",
            errors={
                str(variant): [f"requested {wanted}, available {available}"]
                for variant, wanted, available in shortages
            },
        )


class DuplicateHandle(Conflict):
    code = "DUPLICATE_HANDLE"
    title = "Handle already in use"


class DuplicateSku(Conflict):
    code = "DUPLICATE_SKU"
    title = "SKU already in use"


class DuplicateCode(Conflict):
    code = "DUPLICATE_CODE"
    title = "Code already in use"


class ProductNotDeletable(Conflict):
    code = "PRODUCT_ACTIVE"
    title = "Active products cannot be deleted"


class CartNotOpen(Conflict):
    code = "CART_NOT_OPEN"
    title = "Cart is not open"


class DiscountUnavailable(Conflict):
    code = "DISCOUNT_UNAVAILABLE"
    title = "Discount code cannot be applied"


class IdempotencyKeyReused(RustokError):
    """The key was used before on this cart with another request body (IETF draft: 422)."""

    status = 422
    code = "IDEMPOTENCY_KEY_REUSED"
    title = "Idempotency key reused"


class UnknownMedia(RustokError):
    """A product image names a media id that is not in the tenant's media library."""

    status = 422
    code = "UNKNOWN_MEDIA"
    title = "Unknown media"


class PaymentDeclined(RustokError):
    status = 402
    code = "PAYMENT_DECLINED"
    title = "Payment declined"


class PaymentProviderFailed(Unavailable):
    code = "PAYMENT_PROVIDER_FAILED"
    title = "Payment provider failed"
