"""Product images may name a file of the content module's media library: the id must exist
in the tenant's library (another tenant's is as unknown as a made-up one).

Without the content module installed there is no library, so a media id is always refused
and an image is given by its URL alone; a tenant that disabled content keeps its library,
and its ids stay valid.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from rustok.modules.commerce.catalog.schemas import ImageInput
from rustok.modules.commerce.errors import UnknownMedia
from rustok.modules.content.interface import known_media_ids


async def check_media(session: AsyncSession, images: Sequence[ImageInput], field: str) -> None:
    """Refuse (422 ``UNKNOWN_MEDIA``) images whose ``media_id`` names no media of the tenant;
    ``field`` names the images in the error (``images`` → ``images[0].media_id``)."""
    wanted = {image.media_id for image in images if image.media_id is not None}
    if not wanted:
        return
    found = await known_media_ids(session, wanted)
    errors = {
        f"{field}[{n}].media_id" if field else "media_id": ["no such media in the library"]
        for n, image in enumerate(images)
        if image.media_id is not None and image.media_id not in found
    }
    if errors:
        raise UnknownMedia("an image names media that does not exist", errors=errors)
