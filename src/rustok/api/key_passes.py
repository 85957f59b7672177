"""What a request with a known API key resolves to, kept for a second (issue 15: the key check
costs the storefront at most 5 %).

A key that chooses its tenant (header mode without ``X-Tenant-ID``, or ``/mcp``) resolves,
request after request, to the same record, tenant and principal, each from its own cache with
its own checks. A pass holds the three once they have all been found and checked, and stands
in for them while nothing changed: it records the epochs of the key cache and the tenant
cache read before they were found (any change to a key, its creator or a tenant bumps one),
and lasts ``PASS_SECONDS`` at most, never past the TTL of the record or principal it holds.
Each request still has the key's expiry checked and its use noted
(``KeyAuthenticator.live``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rustok.auth.api_keys.authenticator import KeyAuthenticator
from rustok.auth.api_keys.cache import KeyRecord
from rustok.core.cache import LoadingCache
from rustok.core.context import TenantRef
from rustok.rbac.principal import Principal

PASS_SECONDS = 1.0
MAX_PASSES = 10_000


@dataclass(frozen=True, slots=True)
class KeyPass:
    record: KeyRecord
    tenant: TenantRef
    acting: Principal
    keys_epoch: int
    tenants_epoch: int
    until: float  # KeyCache.clock


@dataclass(frozen=True, slots=True)
class Epochs:
    keys: int
    tenants: int


class KeyPasses:
    def __init__(self, keys: KeyAuthenticator, tenants: LoadingCache[str, TenantRef]) -> None:
        self._keys = keys
        self._tenants = tenants
        self._passes: dict[str, KeyPass] = {}

    def epochs(self) -> Epochs:
        """Read before finding what a pass will hold."""
        return Epochs(self._keys.cache.epoch, self._tenants.epoch)

    def get(self, key: str) -> KeyPass | None:
        found = self._passes.get(key)
        if found is None:
            return None
        cache = self._keys.cache
        if (
            found.keys_epoch != cache.epoch
            or found.tenants_epoch != self._tenants.epoch
            or cache.clock() >= found.until
        ):
            del self._passes[key]
            return None
        return found

    def put(
        self, key: str, record: KeyRecord, tenant: TenantRef, acting: Principal, seen: Epochs
    ) -> None:
        cache = self._keys.cache
        until = min(cache.clock() + PASS_SECONDS, cache.valid_until(key, record))
        if until <= cache.clock():
            return
        if len(self._passes) >= MAX_PASSES:
            self._passes.clear()
        self._passes[key] = KeyPass(record, tenant, acting, seen.keys, seen.tenants, until)

    def __len__(self) -> int:
        return len(self._passes)
