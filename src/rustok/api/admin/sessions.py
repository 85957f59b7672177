"""Admin UI sessions (UI-2): the API's sessions, carried by an HttpOnly cookie.

Signing in goes through ``AuthService.login`` (the same accounts, password checks,
throttling, audit entries and session rows as ``POST /api/auth/login``); the cookie holds
the session's refresh token, whose SHA-256 names the row. Each request checks the row: not
revoked (logout, ``revoke-all``, a password change or a disabled account end it), not idle
longer than ``RUSTOK_ADMIN_IDLE_TIMEOUT`` and not older than ``RUSTOK_ADMIN_SESSION_LIFETIME``.
``last_used_at`` is written at most once a minute, so a page costs one statement more than
its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from rustok.audit.log import record
from rustok.auth.auth_runtime import AuthRuntime
from rustok.auth.models import UserSession
from rustok.auth.tokens import hash_token
from rustok.core.db import utcnow
from rustok.core.errors import Unauthenticated
from rustok.rbac.principal import Principal

TOUCH_EVERY = dt.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 128


class AdminSessionEnded(Unauthenticated):
    code = "ADMIN_SESSION_ENDED"
    title = "Signed out"


@dataclass(frozen=True, slots=True)
class AdminSession:
    id: uuid.UUID
    principal: Principal
    acting_tenant_id: uuid.UUID | None = None  # a super admin's switched tenant


class AdminSessions:
    def __init__(self, auth: AuthRuntime) -> None:
        self._auth = auth
        settings = auth.platform.settings
        self._idle = dt.timedelta(seconds=settings.admin_idle_timeout)
        self._lifetime = dt.timedelta(seconds=settings.admin_session_lifetime)

    async def sign_in(self, email: str, password: str, user_agent: str | None) -> str:
        """The cookie value of a new session (``InvalidCredentials``/429 as the API)."""
        pair = await self._auth.service.login(email, password, user_agent)
        return pair.refresh_token

    async def resume(self, cookie: str) -> AdminSession:
        """The session behind the cookie in the request's tenant, or AdminSessionEnded."""
        if not cookie or len(cookie) > MAX_TOKEN_LENGTH:
            raise AdminSessionEnded("sign in")
        platform = self._auth.platform
        async with platform.db.read_session() as session:
            row = (
                await session.execute(
                    select(
                        UserSession.id, UserSession.user_id, UserSession.created_at,
                        UserSession.last_used_at, UserSession.expires_at, UserSession.revoked_at,
                        UserSession.acting_tenant_id,
                    ).where(UserSession.token_hash == hash_token(cookie))
                )
            ).one_or_none()  # fmt: skip
        now = utcnow()
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise AdminSessionEnded("the session has ended; sign in again")
        last_used = row.last_used_at or row.created_at
        if now - row.created_at > self._lifetime or now - last_used > self._idle:
            raise AdminSessionEnded("the session has expired; sign in again")
        principal = await self._auth.sessions.principal(row.id, row.user_id)
        if now - last_used > TOUCH_EVERY:
            async with platform.uow() as uow:
                await uow.session.execute(
                    update(UserSession).where(UserSession.id == row.id).values(last_used_at=now)
                )
                await uow.commit()
        return AdminSession(row.id, principal, row.acting_tenant_id)

    async def act_in(self, principal: Principal, tenant_id: uuid.UUID | None) -> None:
        """Make this session act in ``tenant_id`` (None: its own tenant), audited
        ``admin.tenant_switched``; in the session's own tenant's context."""
        async with self._auth.platform.uow() as uow:
            await uow.session.execute(
                update(UserSession)
                .where(UserSession.id == principal.session_id, UserSession.revoked_at.is_(None))
                .values(acting_tenant_id=tenant_id)
            )
            acting = str(tenant_id) if tenant_id else None
            record(
                uow.session, "admin.tenant_switched", resource="sessions",
                resource_id=principal.session_id, acting_tenant=acting,
            )  # fmt: skip
            await uow.commit()

    async def sign_out(self, principal: Principal) -> None:
        """Revoke this session (audited ``auth.logout``, as ``POST /api/auth/logout``)."""
        await self._auth.service.logout(principal)
