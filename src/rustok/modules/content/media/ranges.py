"""``Range`` requests on media files (RFC 9110 §14): one byte range of a file, so video and
audio players can seek and downloads resume.

``bytes=a-b``, ``bytes=a-`` and ``bytes=-n`` answer 206 with ``Content-Range``; a range that
starts at or past the end is 416 with ``Content-Range: bytes */<size>``. A header this does
not serve — another unit, several ranges, garbage — is ignored, as RFC 9110 allows: the
whole file, 200. So is a range whose ``If-Range`` names another version of the file.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from rustok.modules.content.errors import RangeNotSatisfiable

_RANGE = re.compile(r"^bytes=(\d{0,19})-(\d{0,19})$")


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte wanted, or None for the whole file; 416 if unsatisfiable."""
    match = _RANGE.match(header.strip()) if header else None
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            raise _unsatisfiable(size)
        return max(0, size - length), size - 1
    start = int(first)
    if last != "" and int(last) < start:
        return None  # invalid: ignored
    if start >= size:
        raise _unsatisfiable(size)
    return start, size - 1 if last == "" else min(int(last), size - 1)


def _unsatisfiable(size: int) -> RangeNotSatisfiable:
    return RangeNotSatisfiable(
        f"the file has {size} bytes", headers={"Content-Range": f"bytes */{size}"}
    )


def if_range_allows(if_range: str | None, etag: str) -> bool:
    """Whether ``If-Range`` (absent, or this file's strong ETag) lets the range apply."""
    return if_range is None or if_range.strip() == etag


async def byte_range(chunks: AsyncIterator[bytes], start: int, end: int) -> AsyncIterator[bytes]:
    """The bytes ``start``…``end`` (inclusive) of a file read as ``chunks``."""
    position = 0
    async for chunk in chunks:
        chunk_end = position + len(chunk)
        if chunk_end > start and position <= end:
            yield chunk[max(0, start - position) : end + 1 - position]
        position = chunk_end
        if position > end:
            break
