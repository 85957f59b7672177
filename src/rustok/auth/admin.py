"""Managing the tenant's users (GraphQL ``users``/``user``/``createUser``/``updateUser``/
``disableUser``): roles never above the acting admin's own, changes audited."""

from __future__ import annotations

import builtins
import uuid

from sqlalchemy import delete, func, select

from rustok.audit.log import record
from rustok.auth.events import UserUpdated
from rustok.auth.models import USER_STATUSES, User, UserSession
from rustok.auth.sessions import SessionService
from rustok.auth.users import create_user
from rustok.core.errors import NotFound, PermissionDenied, ValidationFailed
from rustok.core.platform import Platform
from rustok.rbac.catalogue import SYSTEM_ROLES
from rustok.rbac.grants import GrantStore
from rustok.rbac.models import Role, UserRole
from rustok.rbac.principal import Principal, may_grant


class UserAdminService:
    def __init__(self, platform: Platform, sessions: SessionService, grants: GrantStore) -> None:
        self._platform = platform
        self._sessions = sessions
        self._grants = grants

    async def list(self, *, offset: int, limit: int) -> tuple[list[User], int]:
        async with self._platform.db.read_session() as session:
            total = await session.scalar(select(func.count()).select_from(User)) or 0
            rows = await session.scalars(
                select(User).order_by(User.created_at, User.id).offset(offset).limit(limit)
            )
            return list(rows), total

    async def get(self, user_id: uuid.UUID) -> User:
        async with self._platform.db.read_session() as session:
            user = await session.get(User, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        return user

    def _check_role(self, actor: Principal, role: str) -> None:
        if role not in SYSTEM_ROLES:
            raise ValidationFailed(errors={"role": [f"must be one of {', '.join(SYSTEM_ROLES)}"]})
        if not may_grant(actor.role, role):
            raise PermissionDenied(f"a {actor.role} cannot grant the {role} role")

    async def create(
        self, actor: Principal, email: str, password: str, name: str | None, role: str
    ) -> User:
        self._check_role(actor, role)
        async with self._platform.uow() as uow:
            user = await create_user(uow, email=email, password=password, role=role, name=name)
            record(uow.session, "user.created", resource="users", resource_id=user.id, role=role)
            await uow.commit()
        return user

    async def update(
        self, actor: Principal, user_id: uuid.UUID, *, name: str | None = None,
        role: str | None = None, status: str | None = None,
    ) -> User:  # fmt: skip
        if status is not None and status not in USER_STATUSES:
            raise ValidationFailed(
                errors={"status": [f"must be one of {', '.join(USER_STATUSES)}"]}
            )
        if role is not None:
            self._check_role(actor, role)
        async with self._platform.uow() as uow:
            user = await uow.session.get(User, user_id, with_for_update=True)
            if user is None:
                raise NotFound(f"no user {user_id}")
            current_roles, _ = await self._grants.load(user.id, uow.session)
            if any(not may_grant(actor.role, r) for r in current_roles):
                raise PermissionDenied("you cannot change a user who outranks you")
            if name is not None:
                user.name = name
            changed = False
            if role is not None and set(current_roles) != {role}:
                role_id = await uow.session.scalar(select(Role.id).where(Role.slug == role))
                await uow.session.execute(delete(UserRole).where(UserRole.user_id == user.id))
                uow.session.add(UserRole(user_id=user.id, role_id=role_id))
                record(uow.session, "user.role_changed", resource="users", resource_id=user.id,
                       previous=sorted(current_roles), role=role)  # fmt: skip
                changed = True
            if status is not None and status != user.status:
                user.status = status
                record(
                    uow.session,
                    "user.status_changed",
                    resource="users",
                    resource_id=user.id,
                    status=status,
                )
                if status != "active":
                    await self._sessions.revoke(uow, user.id)
                changed = True
            if changed:  # every worker drops the user's principals within a second
                await self._sessions.changed_user(uow, user.id)
            uow.publish(UserUpdated(user_id=user.id))
            await uow.commit()
        return user

    async def disable(self, actor: Principal, user_id: uuid.UUID) -> User:
        if user_id == actor.user_id:
            raise ValidationFailed(errors={"id": ["you cannot disable yourself"]})
        return await self.update(actor, user_id, status="inactive")

    async def sessions_of(self, user_id: uuid.UUID) -> builtins.list[UserSession]:
        """The user's active sessions (API sign-ins and admin sessions alike), newest first."""
        await self.get(user_id)
        return await self._sessions.list_active(user_id)

    async def revoke_sessions(
        self, actor: Principal, user_id: uuid.UUID, session_id: uuid.UUID | None = None
    ) -> int:
        """End one of the user's sessions or all of them, at once (audited
        ``user.sessions_revoked``); never those of a user who outranks the actor."""
        async with self._platform.uow() as uow:
            user = await uow.session.get(User, user_id)
            if user is None:
                raise NotFound(f"no user {user_id}")
            current_roles, _ = await self._grants.load(user.id, uow.session)
            if any(not may_grant(actor.role, r) for r in current_roles):
                raise PermissionDenied("you cannot end the sessions of a user who outranks you")
            count = await self._sessions.revoke(uow, user.id, only=session_id)
            if session_id is not None and count == 0:
                raise NotFound(f"no active session {session_id} of this user")
            record(
                uow.session, "user.sessions_revoked", resource="users", resource_id=user.id,
                session_id=str(session_id) if session_id else None, count=count,
            )  # fmt: skip
            await uow.commit()
        return count
