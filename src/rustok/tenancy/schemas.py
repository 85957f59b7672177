"""Request and response bodies of the tenant API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import msgspec

LocaleTag = Annotated[
    str,
    msgspec.Meta(min_length=2, max_length=10, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
]
CurrencyCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]


class LocaleSetting(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    locale: LocaleTag
    fallback: LocaleTag | None = None
    enabled: bool = True


class TenantCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    slug: Annotated[str, msgspec.Meta(min_length=1, max_length=63)]
    name: Name
    domain: Annotated[str, msgspec.Meta(max_length=253)] | None = None
    default_locale: LocaleTag = "en"
    currency_code: CurrencyCode = "USD"
    locales: list[LocaleSetting] | None = None
    settings: dict[str, Any] | None = None


class TenantUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH: only the fields present change (``domain: null`` removes the domain)."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    domain: Annotated[str, msgspec.Meta(max_length=253)] | msgspec.UnsetType | None = msgspec.UNSET
    is_active: bool | msgspec.UnsetType = msgspec.UNSET
    default_locale: LocaleTag | msgspec.UnsetType = msgspec.UNSET
    currency_code: CurrencyCode | msgspec.UnsetType = msgspec.UNSET
    locales: list[LocaleSetting] | msgspec.UnsetType = msgspec.UNSET
    settings: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class TenantRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    slug: str
    name: str
    domain: str | None
    is_active: bool
    default_locale: str
    currency_code: str
    locales: list[LocaleSetting]
    settings: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime
