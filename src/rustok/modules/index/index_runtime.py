"""The index module's long-lived parts for one platform: the raw read pool, the compiled
storefront reads and the answer cache, built on first use and kept in ``Platform.services``."""

from __future__ import annotations

from rustok.core.platform import Platform
from rustok.core.read_cache import ReadCache, platform_versions, single_host
from rustok.core.read_pool import build_read_pool
from rustok.core.scoped_sql import ScopedReads
from rustok.modules.index.queries import StorefrontReads
from rustok.modules.index.rows import RowReader
from rustok.modules.index.settings import IndexSettings

SERVICES_KEY = "index"


class StorefrontRuntime:
    """Closed with the platform (``Platform.aclose`` closes its services)."""

    def __init__(self, platform: Platform) -> None:
        settings = platform.settings
        self.pool = build_read_pool(
            settings.database_url, size=settings.db_pool_size, timeout=settings.db_pool_timeout,
            statement_timeout=settings.db_statement_timeout, outages=platform.db.outages,
        )  # fmt: skip
        self.reads = StorefrontReads(RowReader(self.pool, ScopedReads(platform.db.engine.dialect)))
        own = settings.of(IndexSettings)
        self.cache = ReadCache(
            platform_versions(platform), platform.invalidation,
            size=own.storefront_cache_size,
            ttl=None if single_host(settings.database_url) else own.storefront_cache_ttl,
        )  # fmt: skip
        cache_control = "no-cache"  # a shared cache must ask (the ETag makes that cheap)
        if own.storefront_max_age:
            cache_control = f"public, max-age={own.storefront_max_age}"
            if own.storefront_stale_while_revalidate:
                swr = own.storefront_stale_while_revalidate
                cache_control += f", stale-while-revalidate={swr}"
        self.cache_control = cache_control

    async def aclose(self) -> None:
        await self.pool.aclose()


def storefront(platform: Platform) -> StorefrontRuntime:
    """The platform's storefront runtime, built on first use."""
    runtime = platform.services.get(SERVICES_KEY)
    if not isinstance(runtime, StorefrontRuntime):
        runtime = platform.services[SERVICES_KEY] = StorefrontRuntime(platform)
    return runtime
