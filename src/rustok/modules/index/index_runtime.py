"""The index module's long-lived parts for one platform: the raw read pool, the compiled
storefront reads and the answer cache, built on first use and kept in ``Platform.services``."""

from __future__ import annotations

from rustok.core.platform import Platform
from rustok.core.read_cache import ReadCache, ReadModelListener, platform_versions, single_host
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
        versions = platform_versions(platform)
        self.listener: ReadModelListener | None = None
        one_host = single_host(settings.database_url)
        if versions is not None and not one_host and own.storefront_cache_listen:
            listener = ReadModelListener(settings.database_url, versions.host_id)
            if listener.channel.start():  # else no loop to listen on (a synchronous tool)
                self.listener = listener
        self.cache = ReadCache(
            versions, platform.invalidation, size=own.storefront_cache_size,
            ttl=None if one_host else own.storefront_cache_ttl,
            listener=self.listener,
        )  # fmt: skip
        cache_control = "no-cache"  # a shared cache must ask (the ETag makes that cheap)
        if own.storefront_max_age:
            cache_control = f"public, max-age={own.storefront_max_age}"
            if own.storefront_stale_while_revalidate:
                swr = own.storefront_stale_while_revalidate
                cache_control += f", stale-while-revalidate={swr}"
        self.cache_control = cache_control

    async def aclose(self) -> None:
        if self.listener is not None:
            await self.listener.channel.aclose()
        await self.pool.aclose()


def storefront(platform: Platform) -> StorefrontRuntime:
    """The platform's storefront runtime, built on first use."""
    runtime = platform.services.get(SERVICES_KEY)
    if not isinstance(runtime, StorefrontRuntime):
        runtime = platform.services[SERVICES_KEY] = StorefrontRuntime(platform)
    return runtime
