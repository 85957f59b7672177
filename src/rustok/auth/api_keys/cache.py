"""What a process remembers about keys, for ``PRINCIPAL_TTL_SECONDS``, dropped on change.

One map: the key as presented → the key's row (:class:`KeyRecord`), which holds the principal
the key acts as once that is loaded (so a request finds both with one lookup). It is keyed
by the key itself, not its hash, so that a repeated
key costs one lookup (no checksum, no SHA-256); only keys found in the database are ever
stored, so made-up keys cannot fill it, and the process holds a key no longer than its
requests do plus the TTL. Both obey the principal cache's invalidation keys
(auth/principals.py): ``session:<key id>`` (a revoked key: its id is recorded like a
session's) and ``principals-of:<creator id>`` (a creator demoted, banned or deleted), from
this process's commits, from Redis and from the change rows every process polls. As in the
principal cache, a change marks its id with the time it was seen, and an entry whose load
started before the mark is not trusted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from moka_py import Moka

from rustok.auth.principals import (
    ALL_PRINCIPALS,
    PRINCIPAL_CACHE_SIZE,
    PRINCIPAL_TTL_SECONDS,
    SESSION_KEY_PREFIX,
    USER_KEY_PREFIX,
)
from rustok.core.invalidation import ALL_KEYS
from rustok.rbac.principal import Principal


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """The parts of an ``api_keys`` row a request needs."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    created_by: uuid.UUID
    permissions: tuple[str, ...]
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    # The principal the key acts as, when it was loaded and in which generation of the cache
    # (KeyCache.principal): kept on the record the cache hands every request.
    acting: list[tuple[Principal, float, int]] = field(
        default_factory=list, compare=False, repr=False
    )


class KeyCache:
    def __init__(self, ttl: float = PRINCIPAL_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._records: Moka[str, tuple[KeyRecord, float]] = Moka(PRINCIPAL_CACHE_SIZE, ttl=ttl)
        self._changed: dict[uuid.UUID, float] = {}
        # Bumped when everything is dropped: a principal held by a record from before (one a
        # caller kept, e.g. an MCP stdio session) is not trusted after it.
        self._generation = 0
        # Bumped by every change: what a caller derived from this cache before is not trusted
        # after it (api/key_passes.py).
        self.epoch = 0

    @staticmethod
    def clock() -> float:
        return time.monotonic()

    def _stale(self, loaded_at: float, record: KeyRecord) -> bool:
        changed = self._changed
        if not changed:  # the usual case: nothing changed within a TTL
            return False
        return loaded_at <= max(changed.get(record.id, 0.0), changed.get(record.created_by, 0.0))

    def record(self, key: str) -> KeyRecord | None:
        """The record of ``key`` (as presented) if loaded lately and not changed since."""
        cached = self._records.get(key)
        if cached is None:
            return None
        record, loaded_at = cached
        if self._stale(loaded_at, record):
            self._records.remove(key)
            return None
        return record

    def put_record(self, key: str, record: KeyRecord, loaded_at: float) -> None:
        self._records.set(key, (record, loaded_at))

    def principal(self, record: KeyRecord) -> Principal | None:
        """The principal ``record`` acts as, if loaded within the TTL and not changed since."""
        if not record.acting:
            return None
        principal, loaded_at, generation = record.acting[0]
        if (
            generation != self._generation
            or self.clock() - loaded_at > self.ttl
            or self._stale(loaded_at, record)
        ):
            record.acting.clear()
            return None
        return principal

    def put_principal(self, record: KeyRecord, principal: Principal, loaded_at: float) -> None:
        record.acting[:] = [(principal, loaded_at, self._generation)]

    def valid_until(self, key: str, record: KeyRecord) -> float:
        """Until when (``clock``) both ``key``'s record and its principal are trusted, if
        nothing changes: the older load plus the TTL; 0 when either is not held."""
        cached = self._records.get(key)
        if cached is None or cached[0] is not record or not record.acting:
            return 0.0
        return min(cached[1], record.acting[0][1]) + self.ttl

    def drop(self, keys: Sequence[str]) -> None:
        """Invalidation handler (the principal cache's keys)."""
        self.epoch += 1
        if ALL_KEYS in keys or ALL_PRINCIPALS in keys:
            self._records.clear()
            self._generation += 1
            return
        now = self.clock()
        for key in keys:
            for prefix in (SESSION_KEY_PREFIX, USER_KEY_PREFIX):
                if key.startswith(prefix):
                    with contextlib.suppress(ValueError):
                        changed = uuid.UUID(key[len(prefix) :])
                        self._changed[changed] = now
        stale = [k for k, seen in self._changed.items() if seen < now - self.ttl]
        for k in stale:
            del self._changed[k]
