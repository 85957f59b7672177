"""The discount forms' fields ↔ ``DiscountCreate``/``DiscountUpdate``.

A fixed value and the minimum subtotal are typed in major units of the code's currency, a
percentage as a whole number; times are typed in UTC (``datetime-local`` inputs, no zone).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Final

from babel.numbers import get_currency_precision

from rustok.modules.commerce.admin.variant_form import to_integer, to_minor
from rustok.modules.commerce.discounts.service import (
    DiscountCreate,
    DiscountRead,
    DiscountUpdate,
)
from rustok.web.admin.forms import VERSION_FIELD, parse_form

_LOCAL_TIME: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")
FIELDS: Final = {name: name for name in (
    "code", "kind", "value", "currency_code", "min_subtotal", "usage_limit", "starts_at",
    "ends_at", "is_active",
)}  # fmt: skip


def version_of(discount: DiscountRead) -> str:
    return discount.updated_at.isoformat()


def major_units(amount: int | None, currency: str | None) -> str:
    """Minor units as typed on the form ("4.90"), in integers only."""
    if amount is None:
        return ""
    precision = int(get_currency_precision(currency)) if currency else 2
    if not precision:
        return str(amount)
    whole, fraction = divmod(amount, 10**precision)
    return f"{whole}.{fraction:0{precision}d}"


def local_time(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M") if moment else ""


def values_of(discount: DiscountRead) -> dict[str, str]:
    """The edit form's fields filled from a code."""
    return {
        "is_active": "true" if discount.is_active else "false",
        "usage_limit": "" if discount.usage_limit is None else str(discount.usage_limit),
        "min_subtotal": major_units(discount.min_subtotal, discount.currency_code),
        "starts_at": local_time(discount.starts_at), "ends_at": local_time(discount.ends_at),
        VERSION_FIELD: version_of(discount),
    }  # fmt: skip


def _text(posted: Mapping[str, str], name: str) -> str | None:
    return posted.get(name, "").strip() or None


def utc_time(raw: str | None) -> str | None:
    """A ``datetime-local`` value read as UTC; other text goes on for the body to refuse."""
    if not raw or not (found := _LOCAL_TIME.match(raw)):
        return raw
    return f"{raw}{'' if found.group(1) else ':00'}+00:00"  # RFC 3339 wants the seconds


def _active(posted: Mapping[str, str]) -> bool | str:
    raw = posted.get("is_active", "true")
    return {"true": True, "false": False}.get(raw, raw)


def _common(posted: Mapping[str, str], currency: str | None) -> dict[str, Any]:
    limit, minimum = _text(posted, "usage_limit"), _text(posted, "min_subtotal")
    subtotal = None if minimum is None else to_minor(minimum, currency or "", "min_subtotal")
    return {
        "usage_limit": to_integer(limit), "min_subtotal": subtotal,
        "starts_at": utc_time(_text(posted, "starts_at")),
        "ends_at": utc_time(_text(posted, "ends_at")),
        "is_active": _active(posted),
    }  # fmt: skip


def create_body(posted: Mapping[str, str]) -> DiscountCreate:
    currency = (_text(posted, "currency_code") or "").upper() or None
    kind = posted.get("kind", "")
    raw = _text(posted, "value") or ""
    value = to_minor(raw, currency or "", "value") if kind == "fixed" else to_integer(raw)
    body = {"code": posted.get("code", "").strip(), "kind": kind, "value": value,
            "currency_code": currency, **_common(posted, currency)}  # fmt: skip
    return parse_form(DiscountCreate, body, FIELDS)


def update_body(posted: Mapping[str, str], current: DiscountRead) -> DiscountUpdate:
    return parse_form(DiscountUpdate, _common(posted, current.currency_code), FIELDS)
