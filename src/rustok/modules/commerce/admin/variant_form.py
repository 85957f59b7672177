"""The new-product, add-variant and set-stock forms ↔ the catalogue and inventory bodies.

Prices are typed in major units ("19.99") and converted to the minor units the API takes,
with the currency's precision; each form field a body path can fail on is mapped back to
the field (``parse_form``), so the service's 400 shows next to the input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from babel.numbers import get_currency_precision

from rustok.core.errors import ValidationFailed
from rustok.modules.commerce.catalog.schemas import ProductCreate, VariantCreate
from rustok.modules.commerce.inventory.schemas import InventorySet
from rustok.web.admin.forms import parse_form

# Two price rows on the form: enough for a second currency; more through the API.
PRICE_ROWS: Final = ("", "_2")
_INTEGER: Final = re.compile(r"^-?[0-9]{1,12}$")
_AMOUNT: Final = re.compile(r"^(-?)([0-9]{1,12})(?:\.([0-9]{1,12}))?$")
VARIANT_FIELDS: Final = {
    "sku": "sku", "title": "variant_title", "inventory_quantity": "stock", "options": "opt_0",
    "prices[0].currency_code": "price_currency", "prices[0].amount": "price_amount",
    "prices[1].currency_code": "price_currency_2", "prices[1].amount": "price_amount_2",
    "prices": "price_amount",
}  # fmt: skip
PRODUCT_FIELDS: Final = {
    "translations[0].title": "title", "translations[0].handle": "handle",
    "translations[0].locale": "title", "options[0].name": "option_name",
    "options[0].values[0]": "opt_0", "options": "option_name",
    **{f"variants[0].{path}": name for path, name in VARIANT_FIELDS.items()},
}  # fmt: skip


def _text(posted: Mapping[str, str], name: str) -> str | None:
    return posted.get(name, "").strip() or None


def to_integer(raw: str | None) -> int | str | None:
    """A typed whole number as an int (its sign kept, for the body's range check to
    refuse); other text is passed on for the body's type check to refuse."""
    return int(raw) if raw and _INTEGER.match(raw) else raw


def to_minor(raw: str, currency: str, field: str) -> int | str:
    """ "19.99" in ``currency`` → 1999, in integers only (no float or Decimal in commerce);
    text that is no amount is passed on for the body's own check to refuse."""
    found = _AMOUNT.match(raw)
    if found is None:
        return raw
    sign, whole, fraction = found.group(1), found.group(2), (found.group(3) or "").rstrip("0")
    try:
        precision = int(get_currency_precision(currency)) if len(currency) == 3 else 2
    except ValueError:
        return raw
    if len(fraction) > precision:
        raise ValidationFailed(
            f"{raw} has more decimals than {currency}",
            errors={field: [f"at most {precision} decimals"]},
        )
    minor: int = int(whole) * 10**precision + int(fraction.ljust(precision, "0") or "0")
    return -minor if sign else minor


def _prices(posted: Mapping[str, str]) -> list[dict[str, Any]]:
    prices = []
    for suffix in PRICE_ROWS:
        amount = _text(posted, f"price_amount{suffix}")
        currency = (_text(posted, f"price_currency{suffix}") or "").upper()
        if amount is None and (suffix or not currency):
            continue
        prices.append({
            "currency_code": currency,
            "amount": to_minor(amount or "", currency, f"price_amount{suffix}"),
        })  # fmt: skip
    return prices


def _variant(posted: Mapping[str, str], option_names: Sequence[str]) -> dict[str, Any]:
    return {
        "sku": posted.get("sku", "").strip(), "title": _text(posted, "variant_title"),
        "options": {n: posted.get(f"opt_{i}", "").strip() for i, n in enumerate(option_names)},
        "prices": _prices(posted),
        "inventory_quantity": to_integer(_text(posted, "stock")),
    }  # fmt: skip


def new_variant_body(posted: Mapping[str, str], option_names: Sequence[str]) -> VariantCreate:
    return parse_form(VariantCreate, _variant(posted, option_names), VARIANT_FIELDS)


def new_product_body(posted: Mapping[str, str], locale: str) -> ProductCreate:
    """A draft product with its first variant; one option when an option name is given."""
    option = _text(posted, "option_name")
    names = [option] if option else []
    values = [posted.get("opt_0", "").strip()] if option else []
    payload = {
        "translations": [{"locale": locale, "title": posted.get("title", "").strip(),
                          "handle": _text(posted, "handle")}],
        "options": [{"name": n, "values": values} for n in names],
        "variants": [_variant(posted, names)],
        "status": "draft",
    }  # fmt: skip
    return parse_form(ProductCreate, payload, PRODUCT_FIELDS)


def stock_body(posted: Mapping[str, str]) -> InventorySet:
    payload = {
        "quantity": to_integer(posted.get("quantity", "").strip()),
        "location_id": _text(posted, "location_id"),
    }  # fmt: skip
    return parse_form(InventorySet, payload, {"quantity": "quantity", "location_id": "quantity"})
