"""Bodies of media metadata; an upload (a raw body or a multipart form) becomes an
:class:`UploadInput`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec

from rustok.modules.content.locales import LocaleTag
from rustok.web.pages import PageOf

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


class UploadInput(msgspec.Struct, frozen=True, kw_only=True):
    """An upload as the transport read it; the service validates every part."""

    file_name: str
    declared_type: str | None
    data: bytes
    alt_text: str | None = None
    caption: str | None = None
    locale: str | None = None


class MediaFile(msgspec.Struct, frozen=True, kw_only=True):
    """What serving a file needs (no locale, no translations)."""

    id: uuid.UUID
    file_name: str
    mime_type: str
    size: int
    checksum: str
    storage_key: str


class MediaTranslationRead(msgspec.Struct, frozen=True, kw_only=True):
    locale: str
    alt_text: str
    caption: str | None


class MediaRead(msgspec.Struct, frozen=True, kw_only=True):
    """Metadata; ``alt_text``/``caption`` are in the read's locale (with fallback); ``url``
    is the public file URL (no headers needed); ``width``/``height`` of images only."""

    id: uuid.UUID
    file_name: str
    mime_type: str
    size: int
    width: int | None
    height: int | None
    checksum: str
    url: str
    author_id: uuid.UUID | None
    locale: str | None
    alt_text: str | None
    caption: str | None
    translations: list[MediaTranslationRead]
    created_at: dt.datetime
    updated_at: dt.datetime


class MediaPage(PageOf[MediaRead], frozen=True, kw_only=True):
    items: list[MediaRead]
