"""Template filters for amounts and dates, by the mail's locale.

Amounts are integer minor units (CO-2) and stay integers here: ``money`` splits them with
``divmod`` by the currency's number of decimals (ISO 4217; 2 unless listed). English-style
``1,234.50 USD``; languages that write a decimal comma get ``1 234,50 USD`` (no-break space).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_COMMA = "be bg cs da de el es fi fr hr hu id it kk lt lv nb nl pl pt ro ru sk sl sr sv tr uk"
ZERO_DECIMALS = frozenset(_ZERO.split(" "))
THREE_DECIMALS = frozenset(_THREE.split(" "))
DECIMAL_COMMA = frozenset(_COMMA.split(" "))
NO_BREAK_SPACE = "\u00a0"


def decimals_of(currency: str) -> int:
    code = currency.upper()
    return 0 if code in ZERO_DECIMALS else 3 if code in THREE_DECIMALS else 2


def format_money(amount: int, currency: str, locale: str) -> str:
    """``amount`` minor units of ``currency`` as people of ``locale`` write it."""
    digits = decimals_of(currency)
    whole, fraction = divmod(abs(int(amount)), 10**digits)
    comma = locale.split("-")[0].lower() in DECIMAL_COMMA
    grouped = f"{whole:,}".replace(",", NO_BREAK_SPACE if comma else ",")
    number = grouped + ((("," if comma else ".") + f"{fraction:0{digits}d}") if digits else "")
    return f"{'-' if amount < 0 else ''}{number} {currency.upper()}"


@pass_context
def money_filter(context: Context, amount: Any, currency: str) -> str:
    """``{{ order.total|money(order.currency) }}`` in the mail's ``locale``."""
    return format_money(int(amount), str(currency), str(context.get("locale", "en")))


def date_filter(value: Any) -> str:
    """``{{ order.placed_at|date }}``: an ISO timestamp (or datetime) as ``YYYY-MM-DD``."""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return dt.datetime.fromisoformat(str(value)).strftime("%Y-%m-%d")
