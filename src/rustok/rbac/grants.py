"""Loading a user's grants from the database, cached per session (A-5)."""

from __future__ import annotations

import uuid

from moka_py import Moka
from sqlalchemy import select

from rustok.core.db import Database
from rustok.rbac.models import Permission, Role, RolePermission, UserRole
from rustok.rbac.principal import Grants, merge_grants

CACHE_TTL_SECONDS = 30.0


class GrantStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: Moka[uuid.UUID, tuple[tuple[str, ...], Grants]] = Moka(
            10_000, ttl=CACHE_TTL_SECONDS
        )

    async def load(self, user_id: uuid.UUID) -> tuple[list[str], Grants]:
        """The user's role slugs and merged grants, straight from the database."""
        async with self._db.read_session() as session:
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

    async def for_session(
        self, session_id: uuid.UUID, user_id: uuid.UUID
    ) -> tuple[tuple[str, ...], Grants]:
        cached = self._cache.get(session_id)
        if cached is None:
            roles, grants = await self.load(user_id)
            cached = (tuple(roles), grants)
            self._cache.set(session_id, cached)
        return cached

    def forget(self, *session_ids: uuid.UUID) -> None:
        for session_id in session_ids:
            self._cache.remove(session_id)

    def forget_all(self) -> None:
        self._cache.clear()
