"""Registration, sign-in, the current user, password changes (A-1, A-4)."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy import select

from rustok.audit.log import record, record_now
from rustok.auth.api_keys.errors import ApiKeyNotAllowed
from rustok.auth.errors import InvalidCredentials
from rustok.auth.events import UserLoggedIn, UserUpdated
from rustok.auth.metrics import LOGIN_FAILURES
from rustok.auth.models import User
from rustok.auth.passwords import (
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from rustok.auth.schemas import TokenPair, UserRead
from rustok.auth.sessions import IssuedTokens, SessionService
from rustok.auth.throttle import LoginThrottle, RegistrationThrottle
from rustok.auth.users import create_user, normalise_email
from rustok.core.db import utcnow
from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.platform import Platform
from rustok.rbac.grants import GrantStore
from rustok.rbac.principal import Grants, Principal, highest_role


def _session_of(principal: Principal) -> None:
    """Session changes need a signed-in user: a key with ``authenticated`` must not sign its
    creator out everywhere or change their password."""
    if principal.api_key_id is not None:
        raise ApiKeyNotAllowed("an API key has no session; sign in as the user for this")


class AuthService:
    def __init__(
        self,
        platform: Platform,
        sessions: SessionService,
        grants: GrantStore,
        throttle: LoginThrottle,
        registrations: RegistrationThrottle,
    ) -> None:
        self._platform = platform
        self._sessions = sessions
        self._grants = grants
        self._throttle = throttle
        self._registrations = registrations

    async def user_read(
        self, user: User, loaded: tuple[list[str], Grants] | None = None
    ) -> UserRead:
        roles, grants = loaded or await self._grants.load(user.id)
        principal = Principal(
            user_id=user.id, tenant_id=user.tenant_id, session_id=uuid.UUID(int=0),
            role=highest_role(roles), email=user.email, grants=grants,
        )  # fmt: skip
        return UserRead(
            id=user.id,
            tenant_id=user.tenant_id,
            email=user.email,
            name=user.name,
            role=principal.role,
            roles=sorted(roles),
            permissions=principal.permissions(),
            status=user.status,
            email_verified=user.email_verified_at is not None,
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )

    async def _pair(self, issued: IssuedTokens, user: User) -> TokenPair:
        return TokenPair(
            access_token=issued.access,
            refresh_token=issued.refresh,
            expires_in=self._platform.settings.access_token_ttl,
            user=await self.user_read(user, (issued.roles, issued.grants)),
        )

    async def register(
        self, email: str, password: str, name: str | None, user_agent: str | None
    ) -> TokenPair:
        """Create a customer and sign it in. A taken address answers 409 ``EMAIL_TAKEN``,
        so attempts are limited per client address (README, "Auth")."""
        await self._registrations.admit(email.strip().lower()[:255])
        async with self._platform.uow() as uow:
            user = await create_user(
                uow, email=email, password=password, role="customer", name=name
            )
            issued = await self._sessions.open(uow, user, user_agent)
            record(
                uow.session,
                "auth.register",
                resource="users",
                resource_id=user.id,
                actor_id=user.id,
            )
            await uow.commit()
        return await self._pair(issued, user)

    async def login(self, email: str, password: str, user_agent: str | None) -> TokenPair:
        try:
            address = normalise_email(email)
        except ValidationFailed:
            address = email.strip().lower()[:255]
        # Counted before the check, so parallel guesses cannot outrun the limit.
        await self._throttle.admit(address)
        async with self._platform.db.read_session() as session:
            user = await session.scalar(select(User).where(User.email == address))
        # Unknown accounts still pay for a hash: the answer and its timing are the same.
        valid = await verify_password(user.password_hash if user else None, password)
        if user is None or not valid or user.status != "active":
            reason = (
                "unknown_account" if user is None else "wrong_password" if not valid else "inactive"
            )
            LOGIN_FAILURES.labels(reason).inc()
            await record_now(
                self._platform.db, "auth.login_failed", resource="users",
                resource_id=user.id if user else None, email=address,
            )  # fmt: skip
            raise InvalidCredentials("the email or password is wrong")
        async with self._platform.uow() as uow:
            user = await uow.session.get(User, user.id)
            assert user is not None
            if needs_rehash(user.password_hash):
                user.password_hash = await hash_password(password)
            user.last_login_at = utcnow()
            await LoginThrottle.forgive(uow.session, address)
            issued = await self._sessions.open(uow, user, user_agent)
            uow.publish(UserLoggedIn(user_id=user.id))
            record(
                uow.session, "auth.login", resource="users", resource_id=user.id, actor_id=user.id
            )
            await uow.commit()
        return await self._pair(issued, user)

    async def refresh(self, refresh_token: str) -> TokenPair:
        issued, user = await self._sessions.refresh(refresh_token)
        return await self._pair(issued, user)

    async def logout(self, principal: Principal) -> None:
        _session_of(principal)
        async with self._platform.uow() as uow:
            await self._sessions.revoke(uow, principal.user_id, only=principal.session_id)
            record(
                uow.session, "auth.logout", resource="sessions", resource_id=principal.session_id
            )
            await uow.commit()

    async def me(self, principal: Principal) -> UserRead:
        async with self._platform.db.read_session() as session:
            user = await session.get(User, principal.user_id)
        if user is None:
            raise NotFound("the user no longer exists")
        read = await self.user_read(user)
        if principal.api_key_id is not None:  # what the key may do, not all its creator may
            return msgspec.structs.replace(read, permissions=principal.permissions())
        return read

    async def revoke_others(self, principal: Principal) -> int:
        _session_of(principal)
        async with self._platform.uow() as uow:
            count = await self._sessions.revoke(uow, principal.user_id, keep=principal.session_id)
            record(uow.session, "auth.sessions_revoked", resource="sessions", count=count)
            await uow.commit()
        return count

    async def revoke_own_session(self, principal: Principal, session_id: uuid.UUID) -> None:
        """Revoke one of the caller's active sessions (audited ``auth.session_revoked``);
        NotFound when it is not theirs or already ended."""
        _session_of(principal)
        async with self._platform.uow() as uow:
            count = await self._sessions.revoke(uow, principal.user_id, only=session_id)
            if count == 0:
                raise NotFound(f"no active session {session_id} of yours")
            record(uow.session, "auth.session_revoked", resource="sessions", resource_id=session_id)
            await uow.commit()

    async def change_password(self, principal: Principal, current: str, new: str) -> None:
        _session_of(principal)
        check_password_policy(new, "new_password")
        async with self._platform.uow() as uow:
            user = await uow.session.get(User, principal.user_id)
            assert user is not None
            if not await verify_password(user.password_hash, current):
                raise ValidationFailed(
                    "the current password is wrong", errors={"current_password": ["is wrong"]}
                )
            user.password_hash = await hash_password(new)
            await self._sessions.revoke(uow, user.id, keep=principal.session_id)
            uow.publish(UserUpdated(user_id=user.id))
            record(uow.session, "auth.password_changed", resource="users", resource_id=user.id)
            await uow.commit()
