"""Sessions: issuing token pairs, rotating refresh tokens with theft detection, revoking,
and authenticating access tokens on every request (A-2, A-3).

Principals are cached per session (principals.py). Every revocation, status or role change
writes a principal-change row in its own unit of work and, after the commit, drops the
cached principals here and — through Redis, when configured — on every instance at once;
other processes without Redis apply the row within a second (revocations.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update

from rustok.audit.log import record
from rustok.auth.errors import (
    AccountDisabled,
    InvalidRefreshToken,
    RefreshTokenReused,
    SessionRevoked,
    TenantMismatch,
)
from rustok.auth.models import RotatedRefreshToken, User, UserSession
from rustok.auth.principals import PrincipalCache
from rustok.auth.revocations import PrincipalChangeWatcher, prune_changes, record_change
from rustok.auth.tokens import AccessTokens, hash_token, new_opaque_token
from rustok.core.context import current_context
from rustok.core.db import Database, utcnow
from rustok.core.platform import Platform
from rustok.core.uow import UnitOfWork
from rustok.rbac.grants import GrantStore
from rustok.rbac.principal import Grants, Principal, highest_role


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access: str
    refresh: str
    session_id: uuid.UUID
    roles: list[str]
    grants: Grants


class SessionService:
    def __init__(self, platform: Platform, tokens: AccessTokens, grants: GrantStore) -> None:
        self._platform = platform
        self._db: Database = platform.db
        self._tokens = tokens
        self._grants = grants
        self._refresh_ttl = dt.timedelta(seconds=platform.settings.refresh_token_ttl)
        self.principals = PrincipalCache()
        platform.invalidation.register(self.principals.drop)
        self._listeners: list[Callable[[Sequence[str]], None]] = [self.principals.drop]
        self.watcher = PrincipalChangeWatcher(platform.db, self._seen)

    def on_change(self, listener: Callable[[Sequence[str]], None]) -> None:
        """Another cache of credentials (API keys) follows the same changes."""
        self._listeners.append(listener)
        self._platform.invalidation.register(listener)

    def _seen(self, keys: Sequence[str]) -> None:
        for listener in self._listeners:
            listener(keys)

    # --- cached principals ---------------------------------------------------------------

    async def _forget(self, keys: Sequence[str]) -> None:
        if keys:
            await self._platform.invalidation.publish(keys)

    async def changed_user(self, uow: UnitOfWork, user_id: uuid.UUID) -> None:
        """The user's status or roles change in ``uow``: every cached principal of theirs
        goes, here and everywhere, once it commits."""
        keys = record_change(uow, user_id=user_id)
        await prune_changes(uow)
        uow.on_commit(lambda: self._forget(keys))

    async def changed_session(self, uow: UnitOfWork, session_id: uuid.UUID) -> None:
        """A credential with a session's id (an API key) ends in ``uow``: it is dropped
        here and everywhere once it commits."""
        keys = record_change(uow, session_id=session_id)
        await prune_changes(uow)
        uow.on_commit(lambda: self._forget(keys))

    # --- issuing and rotating ------------------------------------------------------------

    async def open(self, uow: UnitOfWork, user: User, user_agent: str | None) -> IssuedTokens:
        """Start a session for ``user`` inside the caller's unit of work."""
        refresh, refresh_hash = new_opaque_token()
        now = utcnow()
        session = UserSession(
            user_id=user.id,
            token_hash=refresh_hash,
            ip_address=current_context().client_ip,
            user_agent=(user_agent or "")[:255] or None,
            last_used_at=now,
            expires_at=now + self._refresh_ttl,
        )
        uow.session.add(session)
        await uow.session.flush()
        roles, grants = await self._grants.load(user.id, uow.session)
        access = self._tokens.issue(
            user_id=user.id,
            tenant_id=user.tenant_id,
            role=highest_role(roles),
            session_id=session.id,
        )
        return IssuedTokens(access, refresh, session.id, roles, grants)

    async def refresh(self, refresh_token: str) -> tuple[IssuedTokens, User]:
        token_hash = hash_token(refresh_token)
        async with self._platform.uow() as uow:
            session = await uow.session.scalar(
                select(UserSession).where(UserSession.token_hash == token_hash).with_for_update()
            )
            if session is None:
                await self._reject_reuse(uow, token_hash)
                raise InvalidRefreshToken("unknown refresh token")
            now = utcnow()
            if session.revoked_at is not None or session.expires_at <= now:
                raise InvalidRefreshToken("the session has ended; sign in again")
            user = await uow.session.get(User, session.user_id)
            if user is None or user.status != "active":
                raise AccountDisabled("the account is disabled")
            fresh, fresh_hash = new_opaque_token()
            uow.session.add(
                RotatedRefreshToken(token_hash=token_hash, session_id=session.id, rotated_at=now)
            )
            session.token_hash = fresh_hash
            session.last_used_at = now
            session.expires_at = now + self._refresh_ttl
            roles, grants = await self._grants.load(user.id, uow.session)
            access = self._tokens.issue(
                user_id=user.id, tenant_id=user.tenant_id, role=highest_role(roles),
                session_id=session.id,
            )  # fmt: skip
            await uow.commit()
            return IssuedTokens(access, fresh, session.id, roles, grants), user

    async def _reject_reuse(self, uow: UnitOfWork, token_hash: str) -> None:
        rotated = await uow.session.get(RotatedRefreshToken, token_hash)
        if rotated is None:
            return
        # A token we already exchanged: whoever holds the newer one, or this one, is a thief.
        await self.revoke_session(uow, rotated.session_id)
        record(
            uow.session, "auth.refresh_reuse", resource="sessions", resource_id=rotated.session_id
        )
        await uow.commit()
        raise RefreshTokenReused("this refresh token was already used; the session is revoked")

    # --- revoking ------------------------------------------------------------------------

    async def revoke_session(self, uow: UnitOfWork, session_id: uuid.UUID) -> None:
        await uow.session.execute(
            update(UserSession)
            .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        keys = record_change(uow, session_id=session_id)
        uow.on_commit(lambda: self._forget(keys))

    async def revoke(
        self, uow: UnitOfWork, user_id: uuid.UUID, *, keep: uuid.UUID | None = None,
        only: uuid.UUID | None = None,
    ) -> int:  # fmt: skip
        """Revoke the user's active sessions (one, or all but ``keep``) in ``uow``."""
        query = update(UserSession).where(
            UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
        )
        if only is not None:
            query = query.where(UserSession.id == only)
        if keep is not None:
            query = query.where(UserSession.id != keep)
        revoked = query.values(revoked_at=utcnow()).returning(UserSession.id)
        ids = list(await uow.session.scalars(revoked))
        if ids:
            # One row for the user rather than one per session (the kept one just reloads).
            if only is not None:
                keys = record_change(uow, session_id=only)
            else:
                keys = record_change(uow, user_id=user_id)
            await prune_changes(uow)
            uow.on_commit(lambda: self._forget(keys))
        return len(ids)

    # --- authenticating ------------------------------------------------------------------

    async def authenticate(self, token: str) -> Principal:
        """The principal behind a bearer token, or a 401/403 error."""
        claims = self._tokens.verify(token)
        tenant = current_context().tenant
        if tenant is None or claims.tenant_id != tenant.id:
            raise TenantMismatch("this token was issued by another tenant")
        cached = self.principals.get(claims.session_id, claims.user_id)
        if cached is not None:
            return cached
        started = self.principals.clock()
        principal, session_expires = await self._load_principal(claims.session_id, claims.user_id)
        self.principals.put(principal, session_expires, started)
        return principal

    async def principal(self, session_id: uuid.UUID, user_id: uuid.UUID) -> Principal:
        """The principal of a session the caller already identified (the admin UI's cookie),
        through the same cache and checks as a bearer token's."""
        cached = self.principals.get(session_id, user_id)
        if cached is not None:
            return cached
        started = self.principals.clock()
        principal, session_expires = await self._load_principal(session_id, user_id)
        self.principals.put(principal, session_expires, started)
        return principal

    async def _load_principal(
        self, session_id: uuid.UUID, user_id: uuid.UUID
    ) -> tuple[Principal, dt.datetime]:
        tenant_id = current_context().tenant_id
        assert tenant_id is not None
        async with self._db.read_session() as db_session:
            row = (
                await db_session.execute(
                    select(UserSession.revoked_at, UserSession.expires_at, User.status, User.email)
                    .join(User, User.id == UserSession.user_id)
                    .where(UserSession.id == session_id, User.id == user_id)
                )
            ).one_or_none()
        if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
            raise SessionRevoked("the session was revoked or has expired")
        if row.status != "active":
            raise AccountDisabled("the account is disabled")
        roles, grants = await self._grants.load(user_id)
        principal = Principal(
            user_id=user_id, tenant_id=tenant_id, session_id=session_id,
            role=highest_role(roles), email=row.email, grants=grants,
        )  # fmt: skip
        return principal, row.expires_at

    async def list_active(self, user_id: uuid.UUID) -> list[UserSession]:
        async with self._db.read_session() as session:
            rows = await session.scalars(
                select(UserSession)
                .where(
                    UserSession.user_id == user_id,
                    UserSession.revoked_at.is_(None),
                    UserSession.expires_at > utcnow(),
                )
                .order_by(UserSession.created_at.desc())
            )
            return list(rows)
