"""Serving media files: the public URL of a file, and the response that streams it.

``/media/{tenant_id}/{media_id}/{file_name}`` needs no header (T-8: the tenant comes from the
path), so it works as an ``<img src>``. Every file of the media library is public there:
the library has no drafts, its files are what published pages and products show, and
nothing lists them: a URL needs the tenant's id, the media id (a ULID, 80 random bits) and
the file name — the capability the id alone gave on ``/api/content/media/{id}/file``
before. A rename changes the URL; a wrong tenant, id or name is the same 404.

Responses stream from the storage (never a redirect to the bucket: one origin, one set of
headers), carry the sniffed ``Content-Type``, an ``ETag`` (the SHA-256) that
``If-None-Match`` turns into 304, ``Cache-Control: public, max-age=RUSTOK_MEDIA_CACHE_MAX_AGE``
on the public path, and ``Content-Disposition: attachment`` for every type a browser should
not show inline (text, CSV). ``nosniff`` and a sandboxing CSP come with every response. The
public path serves byte ranges too (``Accept-Ranges: bytes``; ``ranges.py``), and ``HEAD``
answers the headers of ``GET`` (``api/head.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from urllib.parse import quote

from litestar import Response
from litestar.response import Stream

from rustok.modules.content.media.ranges import byte_range as ranged
from rustok.modules.content.media.schemas import MediaFile

# Shown in the browser; anything else is a download.
INLINE_TYPES = frozenset({
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "video/mp4",
    "video/webm", "audio/mpeg", "audio/ogg", "application/pdf",
})  # fmt: skip
PUBLIC_PREFIX = "/media"


def public_path(tenant_id: uuid.UUID, media_id: uuid.UUID, file_name: str) -> str:
    return f"{PUBLIC_PREFIX}/{tenant_id}/{media_id}/{quote(file_name, safe='')}"


def public_url(base_url: str | None, tenant_id: uuid.UUID, media_id: uuid.UUID, name: str) -> str:
    """Absolute with ``RUSTOK_PUBLIC_URL``, else root-relative (the server cannot know the
    address its clients see behind a proxy)."""
    return (base_url or "").rstrip("/") + public_path(tenant_id, media_id, name)


def etag_of(media: MediaFile) -> str:
    return f'"{media.checksum}"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` with the file's ``ETag``."""
    if not if_none_match:
        return False
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def _disposition(media: MediaFile) -> str:
    kind = "inline" if media.mime_type in INLINE_TYPES else "attachment"
    ascii_name = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in media.file_name
    )
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(media.file_name, safe='')}"


def cache_headers(media: MediaFile, cache_control: str) -> dict[str, str]:
    return {"etag": etag_of(media), "cache-control": cache_control}


def not_modified_response(media: MediaFile, cache_control: str) -> Response[bytes]:
    return Response(content=b"", status_code=304, headers=cache_headers(media, cache_control))


def file_response(
    media: MediaFile, chunks: AsyncIterator[bytes], cache_control: str, *, public: bool,
    byte_range: tuple[int, int] | None = None,
) -> Stream:  # fmt: skip
    """The file, or the bytes ``byte_range`` of it (206 with ``Content-Range``)."""
    length = media.size if byte_range is None else byte_range[1] - byte_range[0] + 1
    headers = {
        **cache_headers(media, cache_control),
        "content-length": str(length),
        "content-disposition": _disposition(media),
        "content-security-policy": "default-src 'none'; sandbox",
    }
    if public:  # storefronts on other origins (even cross-origin-isolated ones) embed these
        headers["cross-origin-resource-policy"] = "cross-origin"
        headers["accept-ranges"] = "bytes"
    if byte_range is None:
        return Stream(content=chunks, media_type=media.mime_type, headers=headers)
    first, last = byte_range
    headers["content-range"] = f"bytes {first}-{last}/{media.size}"
    return Stream(
        content=ranged(chunks, first, last), media_type=media.mime_type, headers=headers,
        status_code=206,
    )  # fmt: skip
