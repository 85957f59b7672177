"""Which media ids name a file in the current tenant's library, for modules that reference
media (commerce's product images) without reading content's tables."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.modules.content.models import Media


async def known_media_ids(
    session: AsyncSession, media_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """The ids of ``media_ids`` that exist; the tenant-scoped session hides other tenants'."""
    if not media_ids:
        return set()
    return set(await session.scalars(select(Media.id).where(Media.id.in_(set(media_ids)))))
