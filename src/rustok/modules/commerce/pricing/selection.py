"""Which price a buyer pays: the lowest of the variant's base price and the prices of active
price lists whose ``min_quantity`` the line reaches, in the cart's currency (CO-2).

A variant with no base price in the currency is not for sale in it (``None``). The
candidates come from the catalogue in one query (catalog/unit_prices.py): every base price
and every price of an active price list, of the variants, in the currency.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PriceCandidate:
    """A price that may apply: the base price (no list) or a price list's."""

    variant_id: uuid.UUID
    price_list_id: uuid.UUID | None
    amount: int
    min_quantity: int


def select_unit_prices(
    candidates: Iterable[PriceCandidate], quantities: Mapping[uuid.UUID, int]
) -> dict[uuid.UUID, int | None]:
    """The unit price of each variant for its quantity (``None``: not sold in the currency)."""
    base: dict[uuid.UUID, int] = {}
    best: dict[uuid.UUID, int] = {}
    for price in candidates:
        if price.min_quantity > quantities[price.variant_id]:
            continue
        if price.price_list_id is None:
            base[price.variant_id] = price.amount
        best[price.variant_id] = min(price.amount, best.get(price.variant_id, price.amount))
    return {v: (best[v] if v in base else None) for v in quantities}
