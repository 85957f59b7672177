"""The key behind a request, and the principal it acts as (K-1, K-2).

Two steps, because the tenant resolver needs the key's tenant before there is a tenant to
load grants in:

1. :meth:`KeyAuthenticator.verify` — before tenant resolution: a key verified lately is
   one cache lookup; otherwise shape (no lookup for a malformed key), then the row by the
   key's hash across tenants. Then revoked and expired. Notes the use (usage.py).
2. :meth:`KeyAuthenticator.principal` — in the key's tenant: the creator's status and
   current grants (cached), the key's permissions narrowed to them. A creator who is no
   longer active ends the key.

Concurrent requests that miss the same key (its entries end together after the TTL) share
one load of its row and one of its principal.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from rustok.auth.api_keys.cache import KeyCache, KeyRecord
from rustok.auth.api_keys.errors import (
    ApiKeyCreatorInactive,
    ApiKeyExpired,
    ApiKeyRevoked,
    InvalidApiKey,
)
from rustok.auth.api_keys.keys import hash_key, well_formed
from rustok.auth.api_keys.models import ApiKey
from rustok.auth.api_keys.usage import UsageRecorder
from rustok.auth.models import User
from rustok.core.context import current_context
from rustok.core.db import Database, utcnow
from rustok.core.single_flight import SingleFlight
from rustok.rbac.grants import GrantStore
from rustok.rbac.principal import Principal, highest_role, narrow_grants


def record_of(row: ApiKey) -> KeyRecord:
    return KeyRecord(
        id=row.id, tenant_id=row.tenant_id, name=row.name, created_by=row.created_by,
        permissions=tuple(str(p) for p in row.permissions), expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )  # fmt: skip


class KeyAuthenticator:
    def __init__(self, db: Database, grants: GrantStore, usage: UsageRecorder) -> None:
        self._db = db
        self._grants = grants
        self.usage = usage
        self.cache = KeyCache()
        # A key's entries end together (TTL): the requests in flight then would each load it.
        self._record_loads: SingleFlight[str, KeyRecord] = SingleFlight()
        self._principal_loads: SingleFlight[uuid.UUID, Principal] = SingleFlight()

    def verified(self, key: str) -> KeyRecord | None:
        """The key's record if this process verified it lately (no lookup; rate limiter)."""
        # Only well-formed keys found in the database are cached: no shape check needed.
        record = self.cache.record(key)
        if record is None or record.revoked_at is not None:
            return None
        if record.expires_at is not None and record.expires_at <= utcnow():
            return None
        return record

    def verify_cached(self, key: str) -> KeyRecord | None:
        """:meth:`verify` without awaiting, for a key this process verified lately (the
        usual request of an integration): its record, noted as used, or a 401 error; None
        when the row must be loaded (then await :meth:`verify`)."""
        record = self.cache.record(key)
        if record is None:
            return None
        return self.live(record)

    async def verify(self, key: str) -> KeyRecord:
        """The live key ``key`` stands for, or a 401 error."""
        record = self.cache.record(key)
        if record is None:
            if not well_formed(key):
                raise InvalidApiKey("not an API key of this platform")
            record = await self._record_loads.run(key, lambda: self._load_record(key))
        return self.live(record)

    def live(self, record: KeyRecord) -> KeyRecord:
        """``record`` if not revoked or expired (else a 401 error), its use noted."""
        if record.revoked_at is not None:
            raise ApiKeyRevoked("this API key was revoked")
        if record.expires_at is not None and record.expires_at <= utcnow():
            raise ApiKeyExpired("this API key has expired")
        self.usage.note(record.id, current_context().client_ip)
        return record

    async def _load_record(self, key: str) -> KeyRecord:
        key_hash = hash_key(key)
        started = self.cache.clock()
        async with self._db.read_session(all_tenants=True) as session:
            row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))
        if row is None:
            raise InvalidApiKey("unknown API key")
        record = record_of(row)
        self.cache.put_record(key, record, started)
        return record

    async def principal(self, record: KeyRecord) -> Principal:
        """Who the key acts as, in its tenant (the request context's)."""
        cached = self.cache.principal(record)
        if cached is not None:
            return cached
        return await self._principal_loads.run(record.id, lambda: self._load_principal(record))

    async def _load_principal(self, record: KeyRecord) -> Principal:
        started = self.cache.clock()
        async with self._db.read_session() as session:
            row = (
                await session.execute(
                    select(User.status, User.email).where(User.id == record.created_by)
                )
            ).one_or_none()
        if row is None or row.status != "active":
            raise ApiKeyCreatorInactive("the key's creator is no longer active")
        roles, grants = await self._grants.load(record.created_by)
        creator = Principal(
            user_id=record.created_by, tenant_id=record.tenant_id, session_id=record.id,
            role=highest_role(roles), email=row.email, grants=grants,
        )  # fmt: skip
        principal = Principal(
            user_id=record.created_by, tenant_id=record.tenant_id, session_id=record.id,
            role=creator.role, email=row.email,
            grants=narrow_grants(creator, record.permissions), api_key_id=record.id,
        )  # fmt: skip
        self.cache.put_principal(record, principal, started)
        return principal
