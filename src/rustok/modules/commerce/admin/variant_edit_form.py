"""A variant's edit form ↔ ``VariantUpdate`` and its base prices (``PriceInput`` list).

The form shows the variant's SKU, name and a value per product option, and one row per
base price (currency, amount and compare-at amount in major units) plus a blank row to add
a currency; a row left blank is dropped, so emptying a row removes that price. Both bodies
are parsed, and the prices checked as the service checks them, before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce.admin.discount_form import major_units
from rustok.modules.commerce.admin.variant_form import to_minor
from rustok.modules.commerce.catalog.schemas import PriceInput, VariantRead, VariantUpdate
from rustok.modules.commerce.catalog.writes import check_prices
from rustok.web.admin.forms import VERSION_FIELD, parse_form

BLANK_ROWS: Final = 1
# The API takes at most 50 base prices per variant.
MAX_ROWS: Final = 50
_ROW_KEY: Final = re.compile(r"^(currency|amount|compare_at)_([0-9]{1,2})$")
UPDATE_FIELDS: Final = {"sku": "sku", "title": "variant_title", "options": "opt_0"}


def version_of(variant: VariantRead) -> str:
    return variant.updated_at.isoformat()


def _text(posted: Mapping[str, str], name: str) -> str | None:
    return posted.get(name, "").strip() or None


def edit_values(variant: VariantRead, option_names: Sequence[str]) -> dict[str, str]:
    values = {
        "sku": variant.sku, "variant_title": variant.title or "",
        VERSION_FIELD: version_of(variant),
    }  # fmt: skip
    for i, name in enumerate(option_names):
        values[f"opt_{i}"] = variant.options.get(name, "")
    for i, price in enumerate(variant.prices):
        values |= {
            f"currency_{i}": price.currency_code,
            f"amount_{i}": major_units(price.amount, price.currency_code),
            f"compare_at_{i}": major_units(price.compare_at_amount, price.currency_code),
        }  # fmt: skip
    return values


def row_count(values: Mapping[str, str]) -> int:
    rows = [int(m.group(2)) for key in values if (m := _ROW_KEY.match(key))]
    return min(MAX_ROWS, (max(rows) + 1 if rows else 0) + BLANK_ROWS)


def update_body(posted: Mapping[str, str], option_names: Sequence[str]) -> VariantUpdate:
    body: dict[str, Any] = {
        "sku": posted.get("sku", "").strip(), "title": _text(posted, "variant_title"),
    }  # fmt: skip
    if option_names:
        options = {n: posted.get(f"opt_{i}", "").strip() for i, n in enumerate(option_names)}
        body["options"] = options
    return parse_form(VariantUpdate, body, UPDATE_FIELDS)


def prices_body(posted: Mapping[str, str]) -> list[PriceInput]:
    rows = sorted({int(m.group(2)) for key in posted if (m := _ROW_KEY.match(key))})
    if len(rows) > MAX_ROWS:
        raise ValidationFailed("too many rows", errors={"prices": [f"at most {MAX_ROWS}"]})
    payload: list[dict[str, Any]] = []
    fields: dict[str, str] = {}
    for i in rows:
        currency = (_text(posted, f"currency_{i}") or "").upper()
        amount, compare_at = _text(posted, f"amount_{i}"), _text(posted, f"compare_at_{i}")
        if not (currency or amount or compare_at):
            continue
        n = len(payload)
        payload.append({
            "currency_code": currency, "amount": to_minor(amount or "", currency, f"amount_{i}"),
            "compare_at_amount": None
            if compare_at is None else to_minor(compare_at, currency, f"compare_at_{i}"),
        })  # fmt: skip
        fields |= {
            f"[{n}].currency_code": f"currency_{i}", f"[{n}].amount": f"amount_{i}",
            f"[{n}].compare_at_amount": f"compare_at_{i}", f"[{n}]": f"amount_{i}",
        }  # fmt: skip
    prices = parse_form(list[PriceInput], payload, fields)
    try:  # the service's own check, before anything is written
        check_prices(prices, field="")
    except ValidationFailed as exc:
        errors = {fields.get(k, "prices"): v for k, v in exc.errors.items()}
        raise ValidationFailed(exc.detail, errors=errors) from exc
    return prices
