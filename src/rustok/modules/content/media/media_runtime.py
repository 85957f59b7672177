"""The media storage of one platform, chosen by ``RUSTOK_MEDIA_STORAGE`` and built on first
use: the local directory, or an S3 bucket whose client (connection pool, circuit breaker)
every request shares and the platform closes when it stops."""

from __future__ import annotations

from rustok.core.platform import Platform
from rustok.modules.content.media.service import MediaService
from rustok.modules.content.media.storage import LocalMediaStorage, MediaStorage
from rustok.modules.content.settings import ContentSettings

SERVICES_KEY = "content.media"


def build_storage(settings: ContentSettings) -> MediaStorage:
    if settings.media_storage == "s3":
        from rustok.modules.content.media.s3 import S3Config, S3MediaStorage

        return S3MediaStorage(S3Config.from_settings(settings))
    return LocalMediaStorage(settings.media_root)


class MediaRuntime:
    """Holds the storage in ``Platform.services``; ``aclose`` releases its connections."""

    def __init__(self, storage: MediaStorage) -> None:
        self.storage = storage

    async def aclose(self) -> None:
        close = getattr(self.storage, "aclose", None)
        if close is not None:
            await close()


def media_storage(platform: Platform) -> MediaStorage:
    """The platform's media storage (built on first use)."""
    runtime = platform.services.get(SERVICES_KEY)
    if not isinstance(runtime, MediaRuntime):
        runtime = platform.services[SERVICES_KEY] = MediaRuntime(
            build_storage(platform.settings.of(ContentSettings))
        )
    return runtime.storage


def media_service(platform: Platform) -> MediaService:
    return MediaService(platform, media_storage(platform))
