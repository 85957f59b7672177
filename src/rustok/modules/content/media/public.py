"""``GET /media/{tenant_id}/{media_id}/{file_name}``: a media file without any header (T-8:
the tenant middleware takes the tenant from this path), for ``<img src>`` and CDNs. What is
public and why, and the response headers: ``delivery.py``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.datastructures import ResponseHeader
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, HeaderParameter

from rustok.core.context import current_context
from rustok.modules.content.errors import MediaNotFound
from rustok.modules.content.media.delivery import (
    PUBLIC_PREFIX,
    etag_of,
    file_response,
    not_modified,
    not_modified_response,
)
from rustok.modules.content.media.media_runtime import media_service
from rustok.modules.content.media.ranges import if_range_allows, requested_range
from rustok.modules.content.settings import ContentSettings
from rustok.web.deps import PlatformDep

IfNoneMatch = Annotated[str | None, HeaderParameter(name="if-none-match", max_length=4096)]
RangeHeader = Annotated[str | None, HeaderParameter(name="range", max_length=200)]
IfRange = Annotated[str | None, HeaderParameter(name="if-range", max_length=200)]
FILE_RESPONSES = {
    206: ResponseSpec(None, description="Partial content: the bytes of Range, Content-Range"),
    304: ResponseSpec(None, description="Not modified: If-None-Match holds the file's ETag"),
}
FILE_HEADERS = [
    ResponseHeader(name="ETag", description="The file's SHA-256, quoted", documentation_only=True),
    ResponseHeader(name="Cache-Control", description="Caching", documentation_only=True),
]


class PublicMediaController(Controller):
    path = PUBLIC_PREFIX
    tags = ["content"]

    @get(
        "/{tenant_id:uuid}/{media_id:uuid}/{file_name:str}",
        public=True,
        responses=FILE_RESPONSES,
        response_headers=FILE_HEADERS,
        response_description="The file, in its sniffed type",
        http_only="binary file for `<img src>`: GraphQL returns its URL (`ContentMedia.url`)",
    )
    async def public_file(
        self,
        platform: PlatformDep,
        tenant_id: FromPath[uuid.UUID],
        media_id: FromPath[uuid.UUID],
        file_name: FromPath[str],
        if_none_match: IfNoneMatch = None,
        range_header: RangeHeader = None,
        if_range: IfRange = None,
    ) -> Response[Any]:
        """A media file by its public URL (the ``url`` of every media read): no headers
        needed, cacheable (``ETag``, ``Cache-Control``); one byte ``Range`` → 206 (416 past
        the end)."""
        if tenant_id != current_context().tenant_id:  # /t/<slug>/media/<other tenant>/…
            raise MediaNotFound(f"no media {media_id} named {file_name!r}")
        service = media_service(platform)
        media = await service.file(media_id, file_name)
        cache = f"public, max-age={platform.settings.of(ContentSettings).media_cache_max_age}"
        if not_modified(if_none_match, etag_of(media)):
            return not_modified_response(media, cache)
        wanted = None
        if if_range_allows(if_range, etag_of(media)):
            wanted = requested_range(range_header, media.size)
        chunks = await service.chunks(media)
        return file_response(media, chunks, cache, public=True, byte_range=wanted)
