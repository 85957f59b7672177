"""Finding tenants by id, slug or host, through the tenant cache (T-5).

The cache holds :class:`TenantRef` values (with the tenant's enabled modules) for 300 s,
180 s idle, 10,000 entries; unknown identifiers are remembered for 60 s. Changes invalidate
the keys of the changed tenant here and — through :class:`TenantInvalidationBus` — on every
other instance.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from prometheus_client import Counter, Gauge
from sqlalchemy import select

from rustok.core.cache import CacheObserver, LoadingCache
from rustok.core.context import TenantRef
from rustok.core.db import Database
from rustok.core.invalidation import ALL_KEYS
from rustok.core.registry import ModuleRegistry
from rustok.tenancy.models import Tenant, TenantLocale, TenantModule

CACHE_CAPACITY = 10_000
CACHE_TTL_SECONDS = 300.0
CACHE_IDLE_SECONDS = 180.0
NEGATIVE_TTL_SECONDS = 60.0

CACHE_REQUESTS = Counter(
    "rustok_tenant_cache_requests", "Tenant cache lookups by result.", ["result"]
)
CACHE_COALESCED = Counter(
    "rustok_tenant_cache_coalesced", "Lookups that waited for another caller's load."
)
CACHE_EVICTIONS = Counter(
    "rustok_tenant_cache_evictions", "Tenant cache evictions by reason.", ["reason"]
)
CACHE_ENTRIES = Gauge(
    "rustok_tenant_cache_entries", "Entries in the tenant cache.", multiprocess_mode="livesum"
)
DB_LOADS = Counter("rustok_tenant_cache_loads", "Tenant loads from the database.")

# Pre-create the label sets so the series exist from the first scrape; a lookup counts on its
# series directly (``labels()`` locks and hashes, on every request).
_REQUESTS_BY_RESULT = {
    result: CACHE_REQUESTS.labels(result) for result in ("hit", "miss", "negative_hit")
}


def _count_request(result: str) -> None:
    series = _REQUESTS_BY_RESULT.get(result)
    (series if series is not None else CACHE_REQUESTS.labels(result)).inc()


TENANT_KEY_PREFIXES = ("id:", "slug:", "host:")


# Cache keys of tenant ids, by the id's int (UUID's own hash and str are Python code): a
# request pays a dict lookup, not formatting. Bounded: cleared when full.
_ID_KEYS: dict[int, str] = {}
_ID_KEYS_MAX = 10_000


def id_key(tenant_id: uuid.UUID) -> str:
    number = tenant_id.int
    key = _ID_KEYS.get(number)
    if key is None:
        if len(_ID_KEYS) >= _ID_KEYS_MAX:
            _ID_KEYS.clear()
        key = _ID_KEYS[number] = f"id:{tenant_id}"
    return key


def slug_key(slug: str) -> str:
    return f"slug:{slug}"


def host_key(host: str) -> str:
    return f"host:{host}"


def keys_for(
    tenant_id: uuid.UUID | None, slugs: Iterable[str], hosts: Iterable[str | None]
) -> list[str]:
    keys = [id_key(tenant_id)] if tenant_id else []
    keys += [slug_key(s) for s in slugs if s]
    keys += [host_key(h) for h in hosts if h]
    return keys


class TenantDirectory:
    def __init__(
        self, db: Database, modules: ModuleRegistry, default_modules: Sequence[str] | None
    ) -> None:
        self._db = db
        self._modules = modules
        self._default_modules = None if default_modules is None else frozenset(default_modules)
        self.cache: LoadingCache[str, TenantRef] = LoadingCache(
            capacity=CACHE_CAPACITY,
            ttl=CACHE_TTL_SECONDS,
            tti=CACHE_IDLE_SECONDS,
            negative_ttl=NEGATIVE_TTL_SECONDS,
            observer=CacheObserver(
                on_request=_count_request,
                on_coalesced=CACHE_COALESCED.inc,
                on_eviction=lambda cause: CACHE_EVICTIONS.labels(cause).inc(),
                on_size=CACHE_ENTRIES.set,
            ),
        )

    async def by_id(self, tenant_id: uuid.UUID) -> TenantRef | None:
        return await self.cache.get(id_key(tenant_id), lambda: self._load(Tenant.id == tenant_id))

    def cached_by_id(self, tenant_id: uuid.UUID) -> tuple[bool, TenantRef | None]:
        """:meth:`by_id` when the cache holds the answer (see ``LoadingCache.get_cached``)."""
        return self.cache.get_cached(id_key(tenant_id))

    def cached_by_slug(self, slug: str) -> tuple[bool, TenantRef | None]:
        return self.cache.get_cached(slug_key(slug))

    async def by_slug(self, slug: str) -> TenantRef | None:
        return await self.cache.get(slug_key(slug), lambda: self._load(Tenant.slug == slug))

    async def by_host(self, host: str) -> TenantRef | None:
        return await self.cache.get(host_key(host), lambda: self._load(Tenant.domain == host))

    async def _load(self, condition: object) -> TenantRef | None:
        DB_LOADS.inc()
        async with self._db.read_session(all_tenants=True) as session:
            tenant = await session.scalar(select(Tenant).where(condition))  # type: ignore[arg-type]
            if tenant is None:
                return None
            rows = await session.execute(
                select(TenantModule.module_slug, TenantModule.enabled).where(
                    TenantModule.tenant_id == tenant.id
                )
            )
            modules = self.enabled_modules(dict(rows.tuples().all()))
            locales = await session.execute(
                select(TenantLocale.locale, TenantLocale.fallback_locale)
                .where(TenantLocale.tenant_id == tenant.id, TenantLocale.is_enabled.is_(True))
                .order_by(TenantLocale.is_default.desc(), TenantLocale.locale)
            )
            return to_ref(tenant, modules, tuple(locales.tuples().all()))

    def enabled_modules(self, stored: dict[str, bool]) -> frozenset[str]:
        """Installed modules that are on: the stored toggle, else the deployment default."""
        return frozenset(
            spec.slug
            for spec in self._modules
            if stored.get(
                spec.slug, self._default_modules is None or spec.slug in self._default_modules
            )
        )

    def invalidate(self, keys: Sequence[str]) -> None:
        """Drop the tenant keys among ``keys`` (an invalidation bus handler)."""
        if ALL_KEYS in keys:
            self.cache.invalidate_all()
            return
        own = [k for k in keys if k.startswith(TENANT_KEY_PREFIXES)]
        if own:
            self.cache.invalidate(*own)


def to_ref(
    tenant: Tenant,
    enabled_modules: frozenset[str],
    locales: tuple[tuple[str, str | None], ...] = (),
) -> TenantRef:
    return TenantRef(
        id=tenant.id,
        slug=tenant.slug,
        name=tenant.name,
        is_active=tenant.is_active,
        default_locale=tenant.default_locale,
        currency_code=tenant.currency_code,
        domain=tenant.domain,
        enabled_modules=enabled_modules,
        locales=locales,
    )
