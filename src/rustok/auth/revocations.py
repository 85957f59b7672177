"""Revocations that reach every process within a second, without Redis (A-3).

Whatever ends a cached principal — a revoked session, a disabled, banned or demoted user —
writes an ``auth_principal_changes`` row in the unit of work that makes the change. Every
process that authenticates runs a :class:`PrincipalChangeWatcher`, which reads the rows
created in the last ``PRINCIPAL_TTL_SECONDS`` every ``POLL_SECONDS`` (one indexed query per
process, not per request) and hands the new ones to the principal cache. Reading a whole TTL
back, not "since the last poll", catches a row whose transaction committed late; ids already
applied are skipped. A change older than the TTL needs no row: the cache forgets by itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from rustok.auth.models import PrincipalChange
from rustok.auth.principals import PRINCIPAL_TTL_SECONDS, session_key, user_key
from rustok.core.db import Database, utcnow
from rustok.core.db.outages import DatabaseUnavailable
from rustok.core.logging import get_logger
from rustok.core.uow import UnitOfWork

POLL_SECONDS = 0.5
KEEP = dt.timedelta(hours=1)
_log = get_logger("rustok.auth")


def record_change(
    uow: UnitOfWork, *, session_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None
) -> list[str]:
    """Stage the change row in ``uow``; return the invalidation keys it stands for."""
    uow.session.add(PrincipalChange(session_id=session_id, user_id=user_id))
    if session_id is not None:
        return [session_key(session_id)]
    assert user_id is not None
    return [user_key(user_id)]


async def prune_changes(uow: UnitOfWork) -> None:
    """Drop this tenant's change rows nobody needs any more (older than ``KEEP``)."""
    await uow.session.execute(
        delete(PrincipalChange).where(PrincipalChange.created_at < utcnow() - KEEP)
    )


class PrincipalChangeWatcher:
    def __init__(
        self,
        db: Database,
        apply: Callable[[Sequence[str]], None],
        *,
        window: float = PRINCIPAL_TTL_SECONDS,
        interval: float = POLL_SECONDS,
    ) -> None:
        self._db = db
        self._apply = apply
        self._window = dt.timedelta(seconds=window)
        self._interval = interval
        self._seen: dict[uuid.UUID, dt.datetime] = {}
        self._failing = False

    async def run(self) -> None:
        """Poll until cancelled; a database outage only delays (the cache TTL still holds)."""
        while True:
            try:
                await self.poll()
                if self._failing:
                    _log.info("principal changes readable again")
                self._failing = False
            except (SQLAlchemyError, OSError, DatabaseUnavailable) as exc:
                if not self._failing:
                    _log.warning("principal changes not readable", error=str(exc)[:300])
                self._failing = True
            await asyncio.sleep(self._interval)

    async def poll(self) -> int:
        """Apply the changes not seen yet; return how many."""
        since = utcnow() - self._window
        async with self._db.read_session(all_tenants=True) as session:
            rows = (
                await session.execute(
                    select(
                        PrincipalChange.id, PrincipalChange.session_id, PrincipalChange.user_id
                    ).where(PrincipalChange.created_at > since)
                )
            ).all()
        keys: list[str] = []
        now = utcnow()
        for change_id, session_id, user_id in rows:
            if change_id in self._seen:
                continue
            self._seen[change_id] = now
            if session_id is not None:
                keys.append(session_key(session_id))
            if user_id is not None:
                keys.append(user_key(user_id))
        for change_id in [k for k, seen in self._seen.items() if seen < since]:
            del self._seen[change_id]
        if keys:
            self._apply(keys)
        return len(keys)
