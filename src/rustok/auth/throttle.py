"""Sign-in and registration throttling kept in the database, so it holds across workers and
instances without Redis (A-7).

An attempt is counted *before* the password is checked: one short write transaction takes a
lock per key — ``pg_advisory_xact_lock`` per account and per client address on PostgreSQL
(always account first, so two attempts never wait on each other in a cycle), the database's
single writer lock on SQLite — counts the recent attempts, refuses with 429 at the limit,
and otherwise records this one. So 30 parallel attempts on one account let exactly the limit
through to argon2, whichever workers they reach. A successful sign-in deletes the account's
rows, its own attempt included: it clears the failures and spends nothing of either budget.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from limits import RateLimitItem, parse
from sqlalchemy import ColumnElement, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.auth.errors import TooManyAttempts, TooManyRegistrations
from rustok.auth.models import LoginFailure, RegistrationAttempt
from rustok.core.context import current_context
from rustok.core.db import Database, utcnow

KEEP = dt.timedelta(days=1)


def _window(limit: RateLimitItem) -> dt.timedelta:
    return dt.timedelta(seconds=limit.get_expiry())


def _lock_key(*parts: object) -> int:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _lock(db: Database, session: AsyncSession, *parts: object) -> None:
    """Serialise the attempts on one key until the transaction ends. On SQLite the first
    statement takes the database's write lock (``BEGIN IMMEDIATE``), which is enough."""
    if db.is_sqlite:
        await session.execute(text("SELECT 1"))
    else:
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(*parts)}
        )


def _refusal(
    oldest: dt.datetime | None, limit: RateLimitItem, now: dt.datetime
) -> tuple[int, dict[str, str]]:
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    reset = (oldest or now) + _window(limit)
    retry_after = max(1, int((reset - now).total_seconds() + 0.999))
    return retry_after, {
        "Retry-After": str(retry_after),
        "RateLimit-Limit": str(limit.amount),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(retry_after),
    }


class LoginThrottle:
    def __init__(self, db: Database, per_account: str, per_address: str) -> None:
        self._db = db
        self._account = parse(per_account)
        self._address = parse(per_address)

    async def admit(self, email: str) -> None:
        """Count this sign-in attempt, or refuse it (429 with ``Retry-After``) when the
        account's or the client address's recent failures reach their limit."""
        ctx = current_context()
        tenant_id, ip = ctx.tenant_id, ctx.client_ip
        async with self._db.writer(), self._db.write_session(all_tenants=True) as session:
            await _lock(self._db, session, "login", tenant_id, email)
            if ip is not None:
                await _lock(self._db, session, "login-address", ip)
            now = utcnow()  # after the locks: every earlier attempt is older
            mine = (LoginFailure.tenant_id == tenant_id, LoginFailure.email == email)
            await self._refuse_at_limit(session, mine, self._account, now, "this account")
            if ip is not None:
                by_address = (LoginFailure.ip_address == ip,)
                await self._refuse_at_limit(session, by_address, self._address, now, "this address")
            session.add(LoginFailure(tenant_id=tenant_id, email=email, ip_address=ip))
            # Keep the table small: drop this account's entries older than a day.
            await session.execute(
                delete(LoginFailure).where(*mine, LoginFailure.created_at < now - KEEP)
            )
            await session.commit()

    @staticmethod
    async def _refuse_at_limit(
        session: AsyncSession, where: tuple[ColumnElement[bool], ...], limit: RateLimitItem,
        now: dt.datetime, who: str,
    ) -> None:  # fmt: skip
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(LoginFailure.created_at)).where(
                    *where,
                    LoginFailure.created_at > now - _window(limit),
                )
            )
        ).one()
        if count >= limit.amount:
            retry_after, headers = _refusal(oldest, limit, now)
            raise TooManyAttempts(
                f"too many failed sign-ins for {who}; try again in {retry_after} s",
                headers=headers,
            )

    @staticmethod
    async def forgive(session: AsyncSession, email: str) -> None:
        """A successful sign-in (in its unit of work): the account's attempts are forgotten."""
        await session.execute(delete(LoginFailure).where(LoginFailure.email == email))


class RegistrationThrottle:
    def __init__(self, db: Database, per_address: str) -> None:
        self._db = db
        self._address = parse(per_address)

    async def admit(self, email: str) -> None:
        """Count this registration attempt of the client address, or refuse it (429)."""
        ctx = current_context()
        ip = ctx.client_ip
        if ip is None:
            return
        async with self._db.writer(), self._db.write_session(all_tenants=True) as session:
            await _lock(self._db, session, "register-address", ip)
            now = utcnow()
            since = now - _window(self._address)
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(RegistrationAttempt.created_at)).where(
                        RegistrationAttempt.ip_address == ip, RegistrationAttempt.created_at > since
                    )
                )
            ).one()
            if count >= self._address.amount:
                retry_after, headers = _refusal(oldest, self._address, now)
                raise TooManyRegistrations(
                    f"too many registrations from this address; try again in {retry_after} s",
                    headers=headers,
                )
            session.add(RegistrationAttempt(tenant_id=ctx.tenant_id, email=email, ip_address=ip))
            await session.execute(
                delete(RegistrationAttempt).where(
                    RegistrationAttempt.ip_address == ip,
                    RegistrationAttempt.created_at < now - KEEP,
                )
            )
            await session.commit()
