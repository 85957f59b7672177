"""Media: upload (type sniffed and checked, bytes to the storage, metadata and
``media.uploaded`` in one unit of work), alternative texts per locale, files, delete.

Ordering keeps the two stores consistent: an upload writes the file first and removes it
again if the transaction fails; a delete commits first and removes the file after, so a
crash in between leaves at worst an orphan file, never metadata without a file.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.context import TenantRef, current_context
from rustok.core.db import utcnow
from rustok.core.errors import PermissionDenied, ValidationFailed
from rustok.core.ids import new_id
from rustok.core.logging import get_logger
from rustok.core.platform import Platform
from rustok.modules.content.errors import MediaNotFound
from rustok.modules.content.events import MediaDeleted, MediaUpdated, MediaUploaded
from rustok.modules.content.locales import pick
from rustok.modules.content.media.delivery import public_url
from rustok.modules.content.media.schemas import (
    FileName,
    MediaFile,
    MediaPage,
    MediaRead,
    MediaTranslationInput,
    MediaTranslationRead,
    MediaUpdate,
    UploadInput,
)
from rustok.modules.content.media.sniffing import FileFacts, inspect_upload
from rustok.modules.content.media.storage import MediaStorage, StoredFileMissing, media_key
from rustok.modules.content.models import Media, MediaTranslation
from rustok.modules.content.translations import check_unique_locales
from rustok.rbac.principal import Principal

_log = get_logger("rustok.content.media")


def _tenant() -> TenantRef:
    tenant = current_context().tenant
    assert tenant is not None  # /api and /media requests always resolve one
    return tenant


def _checked_upload(upload: UploadInput) -> tuple[str, MediaTranslationInput | None]:
    """The file name and the optional first alternative text, or one 400 naming each field."""
    errors: dict[str, list[str]] = {}
    file_name = upload.file_name
    try:
        file_name = msgspec.convert(upload.file_name, FileName)
    except msgspec.ValidationError as exc:
        errors["file_name"] = [str(exc)]
    if not upload.data:
        errors["file"] = ["the file is empty"]
    text = None
    if upload.alt_text is not None:
        fields = {"alt_text": upload.alt_text, "caption": upload.caption}
        fields["locale"] = upload.locale or _tenant().default_locale
        try:
            text = msgspec.convert(fields, MediaTranslationInput)
        except msgspec.ValidationError as exc:
            errors["alt_text"] = [str(exc)]
    elif upload.caption is not None or upload.locale is not None:
        errors["alt_text"] = ["required with caption or locale"]
    if errors:
        raise ValidationFailed(errors=errors)
    return file_name, text


def _require(principal: Principal, action: str, media: Media) -> None:
    scope = principal.scope(f"media:{action}")
    if scope is None:
        raise PermissionDenied(f"missing permission media:{action}")
    if scope == "own" and media.author_id != principal.user_id:
        raise PermissionDenied(f"you may {action} only media you uploaded")


class MediaService:
    """Media of the current tenant, stored through a :class:`MediaStorage`."""

    def __init__(self, platform: Platform, storage: MediaStorage) -> None:
        self._platform = platform
        self._storage = storage

    async def _reads(
        self, session: AsyncSession, rows: Sequence[Media], chain: Sequence[str]
    ) -> list[MediaRead]:
        names: dict[uuid.UUID, list[MediaTranslationRead]] = defaultdict(list)
        for row in await session.scalars(
            select(MediaTranslation)
            .where(MediaTranslation.media_id.in_([m.id for m in rows]))
            .order_by(MediaTranslation.locale)
        ):
            names[row.media_id].append(
                MediaTranslationRead(locale=row.locale, alt_text=row.alt_text, caption=row.caption)
            )
        reads = []
        base_url = self._platform.settings.public_url
        for media in rows:
            shown = pick(names[media.id], chain, lambda t: t.locale)
            reads.append(
                MediaRead(
                    id=media.id,
                    file_name=media.file_name,
                    mime_type=media.mime_type,
                    size=media.size,
                    width=media.width,
                    height=media.height,
                    checksum=media.checksum,
                    url=public_url(base_url, media.tenant_id, media.id, media.file_name),
                    author_id=media.author_id,
                    locale=shown.locale if shown else None,
                    alt_text=shown.alt_text if shown else None,
                    caption=shown.caption if shown else None,
                    translations=names[media.id],
                    created_at=media.created_at,
                    updated_at=media.updated_at,
                )
            )
        return reads

    async def get(self, media_id: uuid.UUID, chain: Sequence[str]) -> MediaRead:
        async with self._platform.db.read_session() as session:
            media = await session.get(Media, media_id)
            if media is None:
                raise MediaNotFound(f"no media {media_id}")
            return (await self._reads(session, [media], chain))[0]

    async def list(
        self, principal: Principal, chain: Sequence[str], *, page: int, per_page: int
    ) -> MediaPage:
        """The media library (only one's own uploads with the ``own`` scope)."""
        own = principal.scope("media:list") == "own"
        conditions = [Media.author_id == principal.user_id] if own else []
        async with self._platform.db.read_session() as session:
            total = await session.scalar(select(func.count()).select_from(Media).where(*conditions))
            rows = await session.scalars(
                select(Media)
                .where(*conditions)
                .order_by(Media.created_at.desc(), Media.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            items = await self._reads(session, list(rows), chain)
        return MediaPage(items=items, page=page, per_page=per_page, total=int(total or 0))

    async def upload(
        self, principal: Principal, upload: UploadInput, chain: Sequence[str]
    ) -> MediaRead:
        """Store a file whose bytes are of an allowed type (415 otherwise, saying why)."""
        file_name, text = _checked_upload(upload)
        facts = inspect_upload(upload.data, upload.declared_type)
        media_id, now = new_id(), utcnow()
        key = media_key(_tenant().id, media_id, now.year, now.month)
        await self._storage.save(key, upload.data, facts.mime_type)
        try:
            await self._insert(principal, media_id, file_name, key, upload.data, facts, text)
        except BaseException:
            await self._storage.delete(key)
            raise
        return await self.get(media_id, chain)

    async def _insert(
        self, principal: Principal, media_id: uuid.UUID, file_name: str, key: str,
        data: bytes, facts: FileFacts, text: MediaTranslationInput | None,
    ) -> None:  # fmt: skip
        async with self._platform.uow() as uow:
            uow.session.add(
                Media(
                    id=media_id, author_id=principal.user_id, file_name=file_name,
                    mime_type=facts.mime_type, size=len(data), width=facts.width,
                    height=facts.height, storage_key=key,
                    checksum=hashlib.sha256(data).hexdigest(),
                )
            )  # fmt: skip
            if text is not None:
                await uow.session.flush()  # the translation's foreign key needs the row
                uow.session.add(
                    MediaTranslation(
                        media_id=media_id, locale=text.locale, alt_text=text.alt_text,
                        caption=text.caption,
                    )
                )  # fmt: skip
            uow.publish(MediaUploaded(media_id=media_id, mime_type=facts.mime_type, size=len(data)))
            await uow.commit()

    async def file(self, media_id: uuid.UUID, file_name: str | None = None) -> MediaFile:
        """What serving the file needs; with ``file_name`` (the public URL), it must match."""
        async with self._platform.db.read_session() as session:
            media = await session.get(Media, media_id)
            if media is None or (file_name is not None and file_name != media.file_name):
                named = f" named {file_name!r}" if file_name is not None else ""
                raise MediaNotFound(f"no media {media_id}{named}")
            return MediaFile(
                id=media.id, file_name=media.file_name, mime_type=media.mime_type,
                size=media.size, checksum=media.checksum, storage_key=media.storage_key,
            )  # fmt: skip

    async def chunks(self, media: MediaFile) -> AsyncIterator[bytes]:
        """The file's bytes from the storage; 404 (logged) when the storage lost them."""
        stream = self._storage.stream(media.storage_key)
        try:
            first = await anext(stream, b"")
        except StoredFileMissing:
            _log.error("media file missing from the storage", media_id=str(media.id),
                       key=media.storage_key)  # fmt: skip
            raise MediaNotFound(f"the file of media {media.id} is missing") from None
        return _prepend(first, stream)

    async def update(
        self, principal: Principal, media_id: uuid.UUID, data: MediaUpdate, chain: Sequence[str]
    ) -> MediaRead:
        async with self._platform.uow() as uow:
            media = await uow.session.get(Media, media_id, with_for_update=True)
            if media is None:
                raise MediaNotFound(f"no media {media_id}")
            _require(principal, "update", media)
            if not isinstance(data.file_name, msgspec.UnsetType):
                media.file_name = data.file_name
            if not isinstance(data.translations, msgspec.UnsetType):
                check_unique_locales([t.locale for t in data.translations])
                existing = {
                    t.locale: t
                    for t in await uow.session.scalars(
                        select(MediaTranslation).where(MediaTranslation.media_id == media.id)
                    )
                }
                for item in data.translations:
                    row = existing.get(item.locale)
                    if row is None:
                        uow.session.add(
                            MediaTranslation(
                                media_id=media.id,
                                locale=item.locale,
                                alt_text=item.alt_text,
                                caption=item.caption,
                            )
                        )
                    else:
                        row.alt_text, row.caption = item.alt_text, item.caption
            if not isinstance(data.remove_locales, msgspec.UnsetType):
                await uow.session.execute(
                    delete(MediaTranslation).where(
                        MediaTranslation.media_id == media.id,
                        MediaTranslation.locale.in_(data.remove_locales),
                    )
                )
            media.updated_at = utcnow()
            uow.publish(MediaUpdated(media_id=media.id))
            await uow.commit()
        return await self.get(media_id, chain)

    async def delete(self, principal: Principal, media_id: uuid.UUID) -> None:
        async with self._platform.uow() as uow:
            media = await uow.session.get(Media, media_id, with_for_update=True)
            if media is None:
                raise MediaNotFound(f"no media {media_id}")
            _require(principal, "delete", media)
            key = media.storage_key
            await uow.session.delete(media)
            uow.publish(MediaDeleted(media_id=media_id))
            await uow.commit()
        try:
            await self._storage.delete(key)
        except OSError as exc:  # the metadata is gone; an orphan file only wastes space
            _log.warning("media file not removed", key=key, error=str(exc))


async def _prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if first:
        yield first
    async for chunk in rest:
        yield chunk
