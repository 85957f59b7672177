"""Loading a user's roles and grants from the database (A-5).

Callers cache the result per session (``auth.sessions``), so a request costs no query here.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.db import Database
from rustok.rbac.models import Permission, Role, RolePermission, UserRole
from rustok.rbac.principal import Grants, merge_grants


class GrantStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(
        self, user_id: uuid.UUID, session: AsyncSession | None = None
    ) -> tuple[list[str], Grants]:
        """The user's role slugs and merged grants (in ``session``, to see its own writes)."""
        if session is None:
            async with self._db.read_session() as own:
                return await self._load(own, user_id)
        return await self._load(session, user_id)

    @staticmethod
    async def _load(session: AsyncSession, user_id: uuid.UUID) -> tuple[list[str], Grants]:
        roles = list(
            await session.scalars(
                select(Role.slug)
                .join(UserRole, UserRole.role_id == Role.id)
                .where(UserRole.user_id == user_id)
            )
        )
        rows = await session.execute(
            select(Permission.resource, Permission.action, RolePermission.scope)
            .join(RolePermission, RolePermission.permission_id == Permission.id)
            .join(UserRole, UserRole.role_id == RolePermission.role_id)
            .where(UserRole.user_id == user_id)
        )
        return roles, merge_grants(rows.tuples().all())
