"""The current tenant's library for modules that reference media (commerce's product images)
without reading content's tables: which ids name a file, and the images a picker offers."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.modules.content.media.delivery import public_path
from rustok.modules.content.models import Media


async def known_media_ids(
    session: AsyncSession, media_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """The ids of ``media_ids`` that exist; the tenant-scoped session hides other tenants'."""
    if not media_ids:
        return set()
    return set(await session.scalars(select(Media.id).where(Media.id.in_(set(media_ids)))))


@dataclass(frozen=True, slots=True)
class ImageChoice:
    """An image of the tenant's library, as a picker offers it."""

    id: uuid.UUID
    file_name: str
    width: int | None
    height: int | None
    path: str  # its public URL's path, /media/{tenant}/{id}/{name}


async def library_images(
    session: AsyncSession, limit: int = 200, ids: Collection[uuid.UUID] | None = None
) -> list[ImageChoice]:
    """The tenant's latest ``limit`` images (other files are no product image); with
    ``ids``, those of them that are the tenant's images (one chosen beyond the latest)."""
    query = select(Media.id, Media.tenant_id, Media.file_name, Media.width, Media.height).where(
        Media.mime_type.startswith("image/")
    )
    if ids is not None:
        query = query.where(Media.id.in_(set(ids)))
    rows = await session.execute(query.order_by(Media.created_at.desc(), Media.id).limit(limit))
    return [
        ImageChoice(id=r.id, file_name=r.file_name, width=r.width, height=r.height,
                    path=public_path(r.tenant_id, r.id, r.file_name))
        for r in rows
    ]  # fmt: skip
