"""Which tenants have an active endpoint: lets ``webhooks.dispatch`` skip, without its
endpoint query, the events of tenants that have none (most of them, most of the time).

One read (``SELECT DISTINCT tenant_id … WHERE active``, no write lock) refreshes the set for
every tenant. A tenant found in it is always handed to the handler, which reads the
endpoints itself. A tenant not found is skipped only for events that reached this process
before the read began: such an event committed before the read, so any endpoint created
before the event committed is in the set. An event that arrives later triggers a new read.
Hence an event raised after an endpoint was created always reaches it, whichever process
created it. An endpoint created after an event (and before its handling) gets it as long
as the set was read after the creation: creating or updating an endpoint in this process
drops the set at commit, as does any endpoint event the consumer sees from other processes.
"""

from __future__ import annotations

import asyncio
import time
import uuid
import weakref

from sqlalchemy import select

from rustok.core.db import Database
from rustok.core.events import Envelope
from rustok.modules.webhooks.events import WebhookCreated, WebhookUpdated
from rustok.modules.webhooks.models import WebhookEndpoint

ENDPOINTS = WebhookEndpoint.__table__
# Endpoint events from other processes: the set may have grown.
_ENDPOINT_CHANGES = frozenset({WebhookCreated.event_type, WebhookUpdated.event_type})


class EndpointTenants:
    """The tenants with an active endpoint, as of the last read (per database)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._tenants: frozenset[uuid.UUID] = frozenset()
        self._read_at = float("-inf")  # time.monotonic() when the last read began
        self._lock = asyncio.Lock()
        self.reads = 0

    def forget(self) -> None:
        """The set may be out of date: the next question reads it again."""
        self._read_at = float("-inf")

    async def wants(self, envelope: Envelope, received: float) -> bool:
        """False only when the tenant had no active endpoint when the event arrived."""
        if envelope.event_type in _ENDPOINT_CHANGES:
            self.forget()
        if envelope.tenant_id in self._tenants:
            return True
        if self._read_at <= received:
            async with self._lock:
                if self._read_at <= received:  # not read by another lane meanwhile
                    await self._read()
        return envelope.tenant_id in self._tenants

    async def _read(self) -> None:
        started = time.monotonic()
        query = select(ENDPOINTS.c.tenant_id).where(ENDPOINTS.c.active).distinct()
        async with self._db.engine.connect() as conn:
            if not self._db.is_sqlite:  # one statement: BEGIN and ROLLBACK were two more trips
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            tenants = frozenset((await conn.execute(query)).scalars())
        self._tenants, self._read_at = tenants, started
        self.reads += 1


_BY_DATABASE: weakref.WeakKeyDictionary[Database, EndpointTenants] = weakref.WeakKeyDictionary()


def endpoint_tenants(db: Database) -> EndpointTenants:
    """The set of this database (one per process and database)."""
    found = _BY_DATABASE.get(db)
    if found is None:
        found = _BY_DATABASE[db] = EndpointTenants(db)
    return found


async def has_endpoints(db: Database, envelope: Envelope, received: float) -> bool:
    """``ConsumerSpec.wants`` of ``webhooks.dispatch``."""
    return await endpoint_tenants(db).wants(envelope, received)
