"""Last-used time and address of each key (K-2), without a write per request.

A request only notes ``(time, address)`` in this process's memory, replacing what was noted
for the key before. Every ``FLUSH_SECONDS`` the process writes what it noted — one
``UPDATE`` per key used since the last flush, all in one transaction — and on shutdown once
more. The stored time is therefore at most ``FLUSH_SECONDS`` old (per process), and a busy
key costs one small write per process and interval, whatever its request rate. An update
never moves the time backwards (another process may have written a later one).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid

from sqlalchemy import or_, update
from sqlalchemy.exc import SQLAlchemyError

from rustok.auth.api_keys.models import ApiKey
from rustok.core.db import Database
from rustok.core.logging import get_logger

FLUSH_SECONDS = 30.0
_log = get_logger("rustok.auth")


class UsageRecorder:
    def __init__(self, db: Database, interval: float = FLUSH_SECONDS) -> None:
        self._db = db
        self.interval = interval
        # The time as seconds: a datetime per request cost more than the rest of noting.
        self._noted: dict[uuid.UUID, tuple[float, str | None]] = {}

    def note(self, key_id: uuid.UUID, address: str | None) -> None:
        self._noted[key_id] = (time.time(), address[:64] if address else None)

    @property
    def pending(self) -> int:
        return len(self._noted)

    async def flush(self) -> int:
        """Write what was noted; return how many keys. A failed write keeps the notes."""
        if not self._noted:
            return 0
        noted, self._noted = self._noted, {}
        try:
            async with self._db.writer(), self._db.write_session(all_tenants=True) as session:
                for key_id, (seconds, address) in noted.items():
                    when = dt.datetime.fromtimestamp(seconds, dt.UTC)
                    await session.execute(
                        update(ApiKey)
                        .where(
                            ApiKey.id == key_id,
                            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < when),
                        )
                        .values(last_used_at=when, last_used_ip=address)
                        .execution_options(synchronize_session=False)
                    )
                await session.commit()
        except (SQLAlchemyError, OSError):
            for key_id, value in noted.items():  # newer notes win
                self._noted.setdefault(key_id, value)
            raise
        return len(noted)

    async def run(self) -> None:
        """Flush every ``interval`` until cancelled, then once more."""
        try:
            while True:
                await asyncio.sleep(self.interval)
                try:
                    await self.flush()
                except (SQLAlchemyError, OSError) as exc:
                    _log.warning("API key usage not written", error=str(exc)[:300])
        except asyncio.CancelledError:
            try:
                await self.flush()
            except (SQLAlchemyError, OSError) as exc:
                _log.warning("API key usage lost at shutdown", error=str(exc)[:300])
            raise
