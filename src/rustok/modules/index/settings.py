"""Index settings (``RUSTOK_STOREFRONT_*``, README "Configuration"): the storefront's answer
cache — its size per process, whether it listens for other instances' commits, how long an
answer may be served without a sign from another instance — and the CDN headers of
storefront answers."""

from __future__ import annotations

from typing import Annotated

import msgspec

from rustok.core.module_settings import ModuleSettings

YEAR = 365 * 24 * 3600


class IndexSettings(ModuleSettings, frozen=True, kw_only=True):
    # Named for what they tune, the storefront's answers (issue 13), not after the module:
    # RUSTOK_STOREFRONT_CACHE_SIZE, not RUSTOK_INDEX_….
    unprefixed = frozenset(
        {
            "storefront_cache_size", "storefront_cache_ttl", "storefront_cache_listen",
            "storefront_max_age", "storefront_stale_while_revalidate",
        }
    )  # fmt: skip

    storefront_cache_size: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=16 * 1024**3,
            description="bytes of storefront answers each server process keeps (REST bodies, "
            "GraphQL reads); `0` = no answer cache",
        ),
    ] = 64 * 1024 * 1024  # fmt: skip
    storefront_cache_ttl: Annotated[
        float,
        msgspec.Meta(
            ge=0.01, le=86_400,
            description="seconds an answer may be served without a sign from another instance: "
            "the bound of staleness across instances on PostgreSQL when "
            "`RUSTOK_STOREFRONT_CACHE_LISTEN` is off; on one host, through `LISTEN` and "
            "through Redis, a change is seen at once. Not used on SQLite, which has one host",
        ),
    ] = 5.0  # fmt: skip
    storefront_cache_listen: Annotated[
        bool,
        msgspec.Meta(
            description="on PostgreSQL, each server process keeps one connection that "
            "`LISTEN`s for other instances' read-model commits, so answers need no TTL "
            "(none is served while it is not connected); turn off where `LISTEN` does not "
            "work, e.g. behind a transaction-pooling PgBouncer",
        ),
    ] = True  # fmt: skip
    storefront_max_age: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=YEAR,
            description="`Cache-Control: public, max-age=…` of storefront answers for a CDN; "
            "`0` = `no-cache` (revalidate with the `ETag`)",
        ),
    ] = 0  # fmt: skip
    storefront_stale_while_revalidate: Annotated[
        int,
        msgspec.Meta(
            ge=0, le=YEAR,
            description="`stale-while-revalidate=…` added to `RUSTOK_STOREFRONT_MAX_AGE`'s "
            "header; `0` = none",
        ),
    ] = 0  # fmt: skip
