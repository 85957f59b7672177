"""Field types of the commerce API bodies: msgspec constraints shared by every subdomain.

Strings refuse NUL (PostgreSQL cannot store it) and integers are bounded, so no generated
input reaches the database in a form it rejects with an internal error.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from rustok.modules.commerce.money import MAX_AMOUNT, MAX_QUANTITY

# Not blank and no NUL anywhere (``\S`` alone would accept a NUL as the non-blank one).
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=NOT_BLANK)]
ShortText = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=NOT_BLANK)]
LongText = Annotated[str, msgspec.Meta(max_length=20_000, pattern=r"^[^\x00]*$")]
Email = Annotated[
    str,
    msgspec.Meta(min_length=3, max_length=255, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$"),
]
Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2048, pattern=r"^https?://[^\s\x00]+$")]
LocaleTag = Annotated[
    str, msgspec.Meta(min_length=2, max_length=10, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
]
CurrencyCode = Annotated[
    str,
    msgspec.Meta(
        min_length=3, max_length=3, pattern=r"^[A-Z]{3}$", description="ISO 4217, upper case"
    ),
]
CountryCode = Annotated[
    str, msgspec.Meta(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$", description="ISO 3166")
]
Handle = Annotated[
    str, msgspec.Meta(min_length=1, max_length=255, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
]
Sku = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Amount = Annotated[
    int, msgspec.Meta(ge=0, le=MAX_AMOUNT, description="integer minor units (cents)")
]
Quantity = Annotated[int, msgspec.Meta(ge=1, le=MAX_QUANTITY)]
StockQuantity = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)]
StockDelta = Annotated[int, msgspec.Meta(ge=-1_000_000_000, le=1_000_000_000)]
Grams = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Millimetres = Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
Position = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
RateBps = Annotated[int, msgspec.Meta(ge=0, le=10_000, description="basis points: 825 = 8.25 %")]
Percent = Annotated[int, msgspec.Meta(ge=1, le=100)]
UsageLimit = Annotated[int, msgspec.Meta(ge=1, le=1_000_000_000)]
Threshold = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
AwareDateTime = Annotated[dt.datetime, msgspec.Meta(tz=True)]
InventoryPolicy = Literal["deny", "continue"]
ProductStatus = Literal["draft", "active", "archived"]
Metadata = dict[str, str]
Id = uuid.UUID


class Address(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A postal address (API.md conventions)."""

    first_name: Text
    last_name: Text
    company: Text | None = None
    address1: Text
    address2: Text | None = None
    city: Text
    province: Text | None = None
    postal_code: ShortText
    country_code: CountryCode
    phone: ShortText | None = None


class Page(msgspec.Struct, frozen=True, kw_only=True):
    """Shared shape of page-numbered lists (API.md)."""

    page: int
    per_page: int
    total: int
