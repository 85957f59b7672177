"""GraphQL: media metadata (uploads are REST only: a raw body or a multipart form); ``url``
is the public file URL."""

from __future__ import annotations

import datetime as dt

import strawberry

from rustok.core.errors import Unauthenticated
from rustok.modules.content.graphql.support import chain_of, to_struct
from rustok.modules.content.media.media_runtime import media_service
from rustok.modules.content.media.schemas import MediaRead, MediaUpdate
from rustok.rbac.principal import Principal
from rustok.web.connections import check_page
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.permissions import Public, module_enabled, requires
from rustok.web.principals import graphql_principal

ON = module_enabled("content")
UNSET = strawberry.UNSET


@strawberry.type(name="ContentMedia")
class MediaType:
    id: strawberry.ID
    file_name: str
    mime_type: str
    size: int
    width: int | None
    height: int | None
    url: str
    locale: str | None
    alt_text: str | None
    caption: str | None
    created_at: dt.datetime

    @classmethod
    def of(cls, read: MediaRead) -> MediaType:
        return cls(
            id=strawberry.ID(str(read.id)),
            file_name=read.file_name,
            mime_type=read.mime_type,
            size=read.size,
            width=read.width,
            height=read.height,
            url=read.url,
            locale=read.locale,
            alt_text=read.alt_text,
            caption=read.caption,
            created_at=read.created_at,
        )


@strawberry.type(name="ContentMediaList")
class MediaList:
    items: list[MediaType]
    total_count: int


@strawberry.input(name="ContentMediaTextInput")
class MediaTextInput:
    locale: str
    alt_text: str
    caption: str | None = None


@strawberry.input(name="ContentMediaUpdateInput")
class MediaUpdateInput:
    file_name: str | None = UNSET
    translations: list[MediaTextInput] | None = UNSET
    remove_locales: list[str] | None = UNSET


def _caller(info: RustokInfo) -> Principal:
    principal = graphql_principal(info)
    if principal is None:  # the field's permission class already required one
        raise Unauthenticated("sign in first")
    return principal


@strawberry.type
class MediaQuery:
    @strawberry.field(permission_classes=[Public, ON])
    async def content_media(
        self, info: RustokInfo, id: strawberry.ID, locale: str | None = None
    ) -> MediaType:
        read = await media_service(info.context.platform).get(parse_id(id), chain_of(info, locale))
        return MediaType.of(read)

    @strawberry.field(
        permission_classes=[requires("media:list"), ON], description="The library, newest first."
    )
    async def content_media_library(
        self, info: RustokInfo, locale: str | None = None, page: int = 1, per_page: int = 20
    ) -> MediaList:
        check_page(page, per_page)
        found = await media_service(info.context.platform).list(
            _caller(info), chain_of(info, locale), page=page, per_page=per_page
        )
        return MediaList(items=[MediaType.of(m) for m in found.items], total_count=found.total)


@strawberry.type
class MediaMutation:
    @strawberry.mutation(permission_classes=[requires("media:update"), ON])
    async def update_content_media(
        self,
        info: RustokInfo,
        id: strawberry.ID,
        input: MediaUpdateInput,
        locale: str | None = None,
    ) -> MediaType:
        read = await media_service(info.context.platform).update(
            _caller(info), parse_id(id), to_struct(MediaUpdate, input), chain_of(info, locale)
        )
        return MediaType.of(read)

    @strawberry.mutation(permission_classes=[requires("media:delete"), ON])
    async def delete_content_media(self, info: RustokInfo, id: strawberry.ID) -> bool:
        await media_service(info.context.platform).delete(_caller(info), parse_id(id))
        return True
