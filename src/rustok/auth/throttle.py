"""Failed sign-in throttling kept in the database, so it holds across workers and
instances without Redis (A-7): per (tenant, email) and per client address."""

from __future__ import annotations

import datetime as dt

from limits import RateLimitItem, parse
from sqlalchemy import delete, func, select

from rustok.auth.errors import TooManyAttempts
from rustok.auth.models import LoginFailure
from rustok.core.context import current_context
from rustok.core.db import Database, utcnow


def _window(limit: RateLimitItem) -> dt.timedelta:
    return dt.timedelta(seconds=limit.get_expiry())


class LoginThrottle:
    def __init__(self, db: Database, per_account: str, per_address: str) -> None:
        self._db = db
        self._account = parse(per_account)
        self._address = parse(per_address)

    async def check(self, email: str, ip: str | None) -> int:
        """Refuse (429 with Retry-After) once the failures in the window reach a limit;
        return the account's recent failures."""
        now = utcnow()
        async with self._db.read_session() as session:
            since = now - _window(self._account)
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(LoginFailure.created_at)).where(
                        LoginFailure.email == email, LoginFailure.created_at > since
                    )
                )
            ).one()
            if count >= self._account.amount:
                raise self._refusal(oldest, self._account, now, "this account")
        failures = int(count)
        if ip is None:
            return failures
        async with self._db.read_session(all_tenants=True) as session:
            since = now - _window(self._address)
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(LoginFailure.created_at)).where(
                        LoginFailure.ip_address == ip, LoginFailure.created_at > since
                    )
                )
            ).one()
            if count >= self._address.amount:
                raise self._refusal(oldest, self._address, now, "this address")
        return failures

    @staticmethod
    def _refusal(
        oldest: dt.datetime | None, limit: RateLimitItem, now: dt.datetime, who: str
    ) -> TooManyAttempts:
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=dt.UTC)
        reset = (oldest or now) + _window(limit)
        retry_after = max(1, int((reset - now).total_seconds() + 0.999))
        return TooManyAttempts(
            f"too many failed sign-ins for {who}; try again in {retry_after} s",
            headers={
                "Retry-After": str(retry_after),
                "RateLimit-Limit": str(limit.amount),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(retry_after),
            },
        )

    async def record_failure(self, email: str) -> None:
        ctx = current_context()
        async with self._db.writer(), self._db.write_session() as session:
            session.add(LoginFailure(email=email, ip_address=ctx.client_ip))
            # Keep the table small: drop this account's entries older than a day.
            await session.execute(
                delete(LoginFailure).where(
                    LoginFailure.email == email,
                    LoginFailure.created_at < utcnow() - dt.timedelta(days=1),
                )
            )
            await session.commit()

    async def clear(self, email: str) -> None:
        async with self._db.writer(), self._db.write_session() as session:
            await session.execute(delete(LoginFailure).where(LoginFailure.email == email))
            await session.commit()
