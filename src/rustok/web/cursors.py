"""Page cursors: opaque to clients, typed inside.

A cursor is URL-safe base64 of a small JSON object, without padding. Every list decodes
the cursors it receives into its own msgspec struct (``forbid_unknown_fields``, bounded
values), so a cursor of another list or sort, garbage, an out-of-range value or an
oversized string is refused with 400 ``INVALID_CURSOR`` (REST) or that GraphQL error code,
before it reaches a query. Offset cursors serve the GraphQL connections (content nodes,
commerce products and orders, users); the storefront has keyset cursors of its own
(``modules/index/queries.py``).
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, TypeVar

import msgspec

from rustok.core.errors import ValidationFailed

# The longest of our own (a storefront title cursor: 255 characters of UTF-8) stays below.
MAX_CURSOR_LENGTH = 2048
# Offsets beyond this are no real page (10,000 pages of 1,000) and only cost the database.
MAX_OFFSET = 10_000_000
Offset = Annotated[int, msgspec.Meta(ge=0, le=MAX_OFFSET)]
S = TypeVar("S", bound=msgspec.Struct)


class InvalidCursor(ValidationFailed):
    code = "INVALID_CURSOR"
    title = "Invalid cursor"


class OffsetCursor(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The position of an item in an offset-paged list."""

    o: Offset


def encode_cursor(value: msgspec.Struct) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(value)).decode().rstrip("=")


def decode_cursor(cursor: str, kind: type[S], *, field: str) -> S:
    """``cursor`` as a ``kind``, or :class:`InvalidCursor` naming ``field``."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        return msgspec.json.decode(raw, type=kind, strict=True)
    except (ValueError, binascii.Error, msgspec.DecodeError):
        message = "not a cursor of this list; use the cursors it returned"
        raise InvalidCursor(f"{field}: {message}", errors={field: [message]}) from None


def offset_cursor(offset: int) -> str:
    return encode_cursor(OffsetCursor(o=offset))


def offset_after(cursor: str | None, *, field: str = "after") -> int:
    """The offset following the item ``cursor`` points at (0 without a cursor)."""
    if not cursor:
        return 0
    return decode_cursor(cursor, OffsetCursor, field=field).o + 1
