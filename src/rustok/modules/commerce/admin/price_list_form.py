"""The price-list forms' fields ↔ ``PriceListCreate`` and the list's prices.

The prices form has one row per price: the variant's SKU, the currency, the amount in major
units ("19.99") and the minimum quantity; rows left blank are skipped, so the form shows
the list's prices plus :data:`BLANK_ROWS` empty rows to add more. Saving replaces the
list's prices (``PriceListService.set_prices``, as ``PUT …/prices``). The form's version is
a digest of the list's price rows, which every save replaces: a form opened before another
save is refused as stale.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, Final

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce.admin.discount_form import major_units, utc_time
from rustok.modules.commerce.admin.variant_form import to_integer, to_minor
from rustok.modules.commerce.catalog.price_lists import (
    PriceListCreate,
    PriceListPriceInput,
    PriceListRead,
)
from rustok.modules.commerce.catalog.variant_skus import VariantSkus
from rustok.web.admin.forms import VERSION_FIELD, parse_form

BLANK_ROWS: Final = 3
# The service takes at most 1000 prices per list.
MAX_ROWS: Final = 1000
ROW_FIELDS: Final = ("sku", "currency", "amount", "min_quantity")
_ROW_KEY: Final = re.compile(r"^(sku|currency|amount|min_quantity)_([0-9]{1,4})$")
CREATE_FIELDS: Final = {n: n for n in ("name", "description", "status", "starts_at", "ends_at")}


def version_of(price_list: PriceListRead) -> str:
    ids = ",".join(sorted(str(p.id) for p in price_list.prices))
    return hashlib.sha256(f"{price_list.id}:{ids}".encode()).hexdigest()[:24]


def _text(posted: Mapping[str, str], name: str) -> str | None:
    return posted.get(name, "").strip() or None


def create_body(posted: Mapping[str, str]) -> PriceListCreate:
    body = {
        "name": posted.get("name", "").strip(), "description": _text(posted, "description"),
        "status": posted.get("status", "active"),
        "starts_at": utc_time(_text(posted, "starts_at")),
        "ends_at": utc_time(_text(posted, "ends_at")),
    }  # fmt: skip
    return parse_form(PriceListCreate, body, CREATE_FIELDS)


def price_values(price_list: PriceListRead, skus: Mapping[Any, str]) -> dict[str, str]:
    """The prices form filled from the list (``skus``: variant id → SKU)."""
    values = {VERSION_FIELD: version_of(price_list)}
    for i, price in enumerate(price_list.prices):
        values |= {
            f"sku_{i}": skus.get(price.variant_id, str(price.variant_id)),
            f"currency_{i}": price.currency_code,
            f"amount_{i}": major_units(price.amount, price.currency_code),
            f"min_quantity_{i}": str(price.min_quantity),
        }  # fmt: skip
    return values


def row_count(values: Mapping[str, str]) -> int:
    """How many rows the form shows: the highest posted row, plus the blank ones."""
    rows = [int(m.group(2)) for key in values if (m := _ROW_KEY.match(key))]
    return min(MAX_ROWS, (max(rows) + 1 if rows else 0) + BLANK_ROWS)


async def prices_body(
    posted: Mapping[str, str], variants: VariantSkus
) -> list[PriceListPriceInput]:
    """The posted rows as the service's prices; an unknown SKU is said under its field."""
    rows = sorted({int(m.group(2)) for key in posted if (m := _ROW_KEY.match(key))})
    if len(rows) > MAX_ROWS:
        raise ValidationFailed("too many rows", errors={"prices": [f"at most {MAX_ROWS}"]})
    filled = [i for i in rows if any(_text(posted, f"{f}_{i}") for f in ROW_FIELDS)]
    skus = {i: _text(posted, f"sku_{i}") or "" for i in filled}
    known = await variants.ids_of([s for s in skus.values() if s])
    errors = {
        f"sku_{i}": ["no variant has this SKU"] for i, sku in skus.items() if sku not in known
    }
    if errors:
        raise ValidationFailed("unknown SKU", errors=errors)
    payload: list[dict[str, Any]] = []
    fields: dict[str, str] = {}
    for n, i in enumerate(filled):
        currency = (_text(posted, f"currency_{i}") or "").upper()
        payload.append({
            "variant_id": str(known[skus[i]]), "currency_code": currency,
            "amount": to_minor(_text(posted, f"amount_{i}") or "", currency, f"amount_{i}"),
            "min_quantity": to_integer(_text(posted, f"min_quantity_{i}") or "1"),
        })  # fmt: skip
        fields |= {
            f"[{n}].currency_code": f"currency_{i}", f"[{n}].amount": f"amount_{i}",
            f"[{n}].min_quantity": f"min_quantity_{i}", f"[{n}].variant_id": f"sku_{i}",
        }  # fmt: skip
    return parse_form(list[PriceListPriceInput], payload, fields)
