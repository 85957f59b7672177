"""What a process remembers about keys, for ``PRINCIPAL_TTL_SECONDS``, dropped on change.

Two maps: key hash → the key's row (:class:`KeyRecord`), and key id → the principal it acts
as. Both obey the principal cache's invalidation keys (auth/principals.py): ``session:<key
id>`` (a revoked key: its id is recorded like a session's) and ``principals-of:<creator
id>`` (a creator demoted, banned or deleted), from this process's commits, from Redis and
from the change rows every process polls. As in the principal cache, a change marks its id
with the time it was seen, and an entry whose load started before the mark is not trusted.
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

    def _stale(self, loaded_at: float, *ids: uuid.UUID) -> bool:
        return any(loaded_at <= self._changed.get(each, 0.0) for each in ids)

    def record(self, key_hash: str) -> KeyRecord | None:
        cached = self._records.get(key_hash)
        if cached is None:
            return None
        record, loaded_at = cached
        if self._stale(loaded_at, record.id, record.created_by):
            self._records.remove(key_hash)
            return None
        return record

    def put_record(self, key_hash: str, record: KeyRecord, loaded_at: float) -> None:
        self._records.set(key_hash, (record, loaded_at))

    def principal(self, record: KeyRecord) -> Principal | None:
        cached = self._principals.get(record.id)
        if cached is None:
            return None
        principal, loaded_at = cached
        if self._stale(loaded_at, record.id, record.created_by):
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
