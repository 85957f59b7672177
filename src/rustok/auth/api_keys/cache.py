"""What a process remembers about keys, for ``PRINCIPAL_TTL_SECONDS``, dropped on change.

Two maps: the key as presented → the key's row (:class:`KeyRecord`), and key id → the
principal it acts as. The first is keyed by the key itself, not its hash, so that a repeated
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
from dataclasses import dataclass

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


class KeyCache:
    def __init__(self, ttl: float = PRINCIPAL_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._records: Moka[str, tuple[KeyRecord, float]] = Moka(PRINCIPAL_CACHE_SIZE, ttl=ttl)
        self._principals: Moka[uuid.UUID, tuple[Principal, float]] = Moka(
            PRINCIPAL_CACHE_SIZE, ttl=ttl
        )
        self._changed: dict[uuid.UUID, float] = {}

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
        cached = self._principals.get(record.id)
        if cached is None:
            return None
        principal, loaded_at = cached
        if self._stale(loaded_at, record):
            self._principals.remove(record.id)
            return None
        return principal

    def put_principal(self, principal: Principal, loaded_at: float) -> None:
        assert principal.api_key_id is not None
        self._principals.set(principal.api_key_id, (principal, loaded_at))

    def drop(self, keys: Sequence[str]) -> None:
        """Invalidation handler (the principal cache's keys)."""
        if ALL_KEYS in keys or ALL_PRINCIPALS in keys:
            self._records.clear()
            self._principals.clear()
            return
        now = self.clock()
        for key in keys:
            for prefix in (SESSION_KEY_PREFIX, USER_KEY_PREFIX):
                if key.startswith(prefix):
                    with contextlib.suppress(ValueError):
                        changed = uuid.UUID(key[len(prefix) :])
                        self._changed[changed] = now
                        self._principals.remove(changed)
        stale = [k for k, seen in self._changed.items() if seen < now - self.ttl]
        for k in stale:
            del self._changed[k]
