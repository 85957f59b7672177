"""Bodies of media metadata (the file itself is the raw request body of the upload)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from rustok.modules.content.locales import LocaleTag

# A plain file name: no directories, no control characters, not just dots.
FileName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=255, pattern=r"^(?!\.+$)[^/\\\x00-\x1f]+$")
]
MimeType = Annotated[
    str,
    msgspec.Meta(
        min_length=3, max_length=255, pattern=r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$"
    ),
]
AltText = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
Caption = Annotated[str, msgspec.Meta(max_length=2000)]
MAX_MEDIA_LOCALES = 50


class MediaTranslationInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    locale: LocaleTag
    alt_text: AltText
    caption: Caption | None = None


class MediaUpdate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A PATCH: rename the file, upsert alternative texts, drop some locales."""

    file_name: FileName | msgspec.UnsetType = msgspec.UNSET
    translations: (
        Annotated[list[MediaTranslationInput], msgspec.Meta(max_length=MAX_MEDIA_LOCALES)]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    remove_locales: (
        Annotated[list[LocaleTag], msgspec.Meta(max_length=MAX_MEDIA_LOCALES)] | msgspec.UnsetType
    ) = msgspec.UNSET


class MediaTranslationRead(msgspec.Struct, frozen=True, kw_only=True):
    locale: str
    alt_text: str
    caption: str | None


class MediaRead(msgspec.Struct, frozen=True, kw_only=True):
    """Metadata; ``alt_text``/``caption`` are in the read's locale (with fallback)."""

    id: uuid.UUID
    file_name: str
    mime_type: str
    size: int
    checksum: str
    url: str
    author_id: uuid.UUID | None
    locale: str | None
    alt_text: str | None
    caption: str | None
    translations: list[MediaTranslationRead]
    created_at: dt.datetime
    updated_at: dt.datetime


class MediaPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[MediaRead]
    page: int
    per_page: int
    total: int
