"""REST: ``/api/content/media``. An upload is the raw file as the request body, its type in
``Content-Type`` and its name in ``?file_name=`` (no multipart parsing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter, RawBody

from rustok.modules.content.media.schemas import MediaPage, MediaRead, MediaUpdate
from rustok.modules.content.media.service import MediaService
from rustok.modules.content.media.storage import LocalMediaStorage
from rustok.modules.content.web import CONTENT_DEPENDENCIES, ChainDep, Page, PerPage, PlatformDep
from rustok.rbac.principal import Principal

Caller = NamedDependency[Principal]
FileNameParam = Annotated[str, QueryParameter(min_length=1, max_length=255)]
ContentType = Annotated[str, HeaderParameter(name="content-type", max_length=255)]
# Served with their own type only when a browser cannot run them; anything else downloads.
_INLINE_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "video/mp4",
    "video/webm",
    "audio/mpeg",
    "audio/ogg",
    "application/pdf",
)


@dataclass
class UploadOperation(Operation):
    """Documents the raw file body, which Litestar cannot infer from ``RawBody``."""

    def __post_init__(self) -> None:
        binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        self.request_body = RequestBody(
            content={"application/octet-stream": OpenAPIMediaType(schema=binary)},
            required=True,
            description="The file's bytes; send its own type as Content-Type (image/png, ...).",
        )


def media_service(platform: PlatformDep) -> MediaService:
    return MediaService(platform, LocalMediaStorage(platform.settings.media_root))


class MediaController(Controller):
    path = "/api/content/media"
    tags = ["content"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/", permission="media:list")
    async def list_media(
        self,
        platform: PlatformDep,
        principal: Caller,
        chain: ChainDep,
        page: FromQuery[Page] = 1,
        per_page: FromQuery[PerPage] = 20,
    ) -> MediaPage:
        """The media library, newest first."""
        return await media_service(platform).list(principal, chain, page=page, per_page=per_page)

    @post("/", permission="media:create", status_code=201, operation_class=UploadOperation)
    async def upload(
        self,
        platform: PlatformDep,
        principal: Caller,
        chain: ChainDep,
        body: RawBody,
        file_name: FromQuery[FileNameParam],
        content_type: ContentType,
    ) -> MediaRead:
        """Upload a file (the request body) named ``file_name``; its type is ``Content-Type``."""
        mime_type = content_type.split(";")[0].strip()
        return await media_service(platform).upload(principal, file_name, mime_type, body, chain)

    @get("/{media_id:uuid}", public=True)
    async def get_media(
        self, platform: PlatformDep, chain: ChainDep, media_id: FromPath[uuid.UUID]
    ) -> MediaRead:
        """A media item's metadata, alternative text in the requested locale."""
        return await media_service(platform).get(media_id, chain)

    @get("/{media_id:uuid}/file", public=True)
    async def download(
        self, platform: PlatformDep, media_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The file itself."""
        media, data = await media_service(platform).file(media_id)
        inline = media.mime_type in _INLINE_TYPES
        disposition = "inline" if inline else f'attachment; filename="{media.id}"'
        return Response(
            content=data,
            media_type=media.mime_type if inline else "application/octet-stream",
            headers={
                "content-disposition": disposition,
                "content-security-policy": "default-src 'none'; sandbox",
                "etag": f'"{media.checksum}"',
            },
        )

    @patch("/{media_id:uuid}", permission="media:update")
    async def update_media(
        self,
        platform: PlatformDep,
        principal: Caller,
        chain: ChainDep,
        media_id: FromPath[uuid.UUID],
        data: JSONBody[MediaUpdate],
    ) -> MediaRead:
        """Rename the file or change its alternative texts."""
        return await media_service(platform).update(principal, media_id, data, chain)

    @delete("/{media_id:uuid}", permission="media:delete", status_code=204)
    async def delete_media(
        self, platform: PlatformDep, principal: Caller, media_id: FromPath[uuid.UUID]
    ) -> None:
        """Delete the metadata, then the file."""
        await media_service(platform).delete(principal, media_id)
