"""REST: ``/api/content/media``. An upload is the raw file as the request body or a
``multipart/form-data`` form (``upload.py``); its type is sniffed (``sniffing.py``). Files
are served on the public path (``public.py``) and, with the tenant header, here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from rustok.modules.content.media.delivery import (
    etag_of,
    file_response,
    not_modified,
    not_modified_response,
)
from rustok.modules.content.media.media_runtime import media_service
from rustok.modules.content.media.public import FILE_HEADERS, FILE_RESPONSES, IfNoneMatch
from rustok.modules.content.media.schemas import MediaPage, MediaRead, MediaUpdate
from rustok.modules.content.media.sniffing import ALLOWED_TYPES
from rustok.modules.content.media.upload import FILE_FIELD, MULTIPART, TEXT_FIELDS, read_upload
from rustok.modules.content.web import CONTENT_DEPENDENCIES, ChainDep
from rustok.web.deps import Caller, PlatformDep
from rustok.web.pages import Page, PerPage

FileNameParam = Annotated[
    str | None,
    QueryParameter(
        min_length=1, max_length=255,
        description="The file's name: required with a raw body; with a form it overrides "
        "the file part's name.",
    ),
]  # fmt: skip
_TYPES = ", ".join(sorted(ALLOWED_TYPES))


@dataclass
class UploadOperation(Operation):
    """Documents both upload bodies, which Litestar cannot infer from a handler that reads
    the request itself."""

    def __post_init__(self) -> None:
        binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        text = Schema(type=OpenAPIType.STRING)
        form = Schema(
            type=OpenAPIType.OBJECT,
            required=[FILE_FIELD],
            properties={FILE_FIELD: binary, **{field: text for field in TEXT_FIELDS}},
        )
        self.request_body = RequestBody(
            content={
                "application/octet-stream": OpenAPIMediaType(schema=binary),
                MULTIPART: OpenAPIMediaType(schema=form),
            },
            required=True,
            description="The file's bytes as the body (Content-Type: its type, or "
            "application/octet-stream to have it sniffed; ?file_name= required), or a form "
            "with a `file` part and optional `file_name`, `alt_text`, `caption`, `locale`. "
            f"The bytes decide the type; allowed: {_TYPES} (else 415).",
        )


class MediaController(Controller):
    path = "/api/content/media"
    tags = ["content"]
    dependencies = CONTENT_DEPENDENCIES

    @get("/", permission="media:list", graphql_twin="contentMediaLibrary")
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

    @post(
        "/",
        permission="media:create",
        status_code=201,
        operation_class=UploadOperation,
        http_only=(
            "binary upload (raw body or multipart/form-data); the GraphQL multipart request "
            "spec is off (CSRF-prone, bypasses the document cache); metadata is editable via "
            "updateContentMedia"
        ),
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        platform: PlatformDep,
        principal: Caller,
        chain: ChainDep,
        file_name: FromQuery[FileNameParam] = None,
    ) -> MediaRead:
        """Upload a file: the raw body or a multipart form; its type is sniffed."""
        upload = await read_upload(request, file_name)
        return await media_service(platform).upload(principal, upload, chain)

    @get("/{media_id:uuid}", public=True, graphql_twin="contentMedia")
    async def get_media(
        self, platform: PlatformDep, chain: ChainDep, media_id: FromPath[uuid.UUID]
    ) -> MediaRead:
        """A media item's metadata, alternative text in the requested locale."""
        return await media_service(platform).get(media_id, chain)

    @get(
        "/{media_id:uuid}/file",
        public=True,
        responses=FILE_RESPONSES,
        response_headers=FILE_HEADERS,
        response_description="The file, in its sniffed type",
        http_only="binary file download: GraphQL returns its URL (ContentMedia.url)",
    )
    async def download(
        self,
        platform: PlatformDep,
        media_id: FromPath[uuid.UUID],
        if_none_match: IfNoneMatch = None,
    ) -> Response[Any]:
        """The file itself, by the tenant header (the ``url`` of a read needs none)."""
        service = media_service(platform)
        media = await service.file(media_id)
        cache = "private, no-cache"  # a shared cache would not key this by tenant
        if not_modified(if_none_match, etag_of(media)):
            return not_modified_response(media, cache)
        return file_response(media, await service.chunks(media), cache, public=False)

    @patch("/{media_id:uuid}", permission="media:update", graphql_twin="updateContentMedia")
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

    @delete(
        "/{media_id:uuid}",
        permission="media:delete",
        status_code=204,
        graphql_twin="deleteContentMedia",
    )
    async def delete_media(
        self, platform: PlatformDep, principal: Caller, media_id: FromPath[uuid.UUID]
    ) -> None:
        """Delete the metadata, then the file."""
        await media_service(platform).delete(principal, media_id)
