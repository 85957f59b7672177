"""Creating, listing and revoking a tenant's API keys (K-1, K-3), audited.

A key's permissions are checked against its creator's at creation (never wider) and
narrowed to the creator's current ones at every use (authenticator.py). Revoking writes a
principal-change row in the same transaction, so every process refuses the key within a
second (auth/revocations.py), at once through Redis when configured. Keys neither create
nor revoke keys: a leaked key must not be able to outlive its own revocation.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from rustok.audit.log import record
from rustok.auth.api_keys.errors import ApiKeyNotAllowed, PermissionsTooWide
from rustok.auth.api_keys.keys import DISPLAY_LENGTH, mint_key
from rustok.auth.api_keys.models import ApiKey
from rustok.auth.api_keys.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPage,
    ApiKeyRead,
    to_api_key_read,
)
from rustok.auth.models import User
from rustok.auth.sessions import SessionService
from rustok.core.db import utcnow
from rustok.core.errors import NotFound, ValidationFailed
from rustok.core.platform import Platform
from rustok.rbac.catalogue import PermissionCatalogue, build_catalogue
from rustok.rbac.declare import check_declared
from rustok.rbac.grants import GrantStore
from rustok.rbac.principal import Principal, highest_role


def _no_key(actor: Principal) -> None:
    if actor.api_key_id is not None:
        raise ApiKeyNotAllowed("API keys cannot manage API keys; sign in as a user")


def _checked_permissions(
    actor: Principal, requested: list[str], catalogue: PermissionCatalogue
) -> list[str]:
    permissions = list(dict.fromkeys(requested))
    unknown = []
    for permission in permissions:
        try:
            check_declared(permission, catalogue)
        except ValueError:
            unknown.append(f"unknown permission {permission}")
    if unknown:
        raise ValidationFailed("unknown permissions", errors={"permissions": unknown})
    wider = [p for p in permissions if not actor.can(p)]
    if wider:
        raise PermissionsTooWide(
            f"a key cannot have permissions you lack: {', '.join(wider)}",
            errors={"permissions": [f"{p} is not yours to give" for p in wider]},
        )
    return permissions


class ApiKeyService:
    def __init__(self, platform: Platform, sessions: SessionService) -> None:
        self._platform = platform
        self._sessions = sessions

    async def create(self, actor: Principal, data: ApiKeyCreate) -> ApiKeyCreated:
        """Mint a key for ``actor`` in the current tenant; the answer is its only copy."""
        _no_key(actor)
        permissions = _checked_permissions(
            actor, data.permissions, build_catalogue(self._platform.modules.available)
        )
        now = utcnow()
        if data.expires_at is not None and data.expires_at <= now:
            raise ValidationFailed(
                "expires_at is in the past", errors={"expires_at": ["must be in the future"]}
            )
        key, key_hash = mint_key()
        async with self._platform.uow() as uow:
            row = ApiKey(
                name=data.name, prefix=key[:DISPLAY_LENGTH], key_hash=key_hash,
                permissions=permissions, created_by=actor.user_id, expires_at=data.expires_at,
            )  # fmt: skip
            uow.session.add(row)
            await uow.session.flush()
            record(
                uow.session, "api_key.created", resource="api_keys", resource_id=row.id,
                actor_id=actor.user_id, name=data.name, permissions=permissions,
                expires_at=data.expires_at.isoformat() if data.expires_at else None,
            )  # fmt: skip
            await uow.commit()
        return ApiKeyCreated(
            id=row.id, key=key, name=row.name, prefix=row.prefix, permissions=permissions,
            created_by=row.created_by, created_at=row.created_at, expires_at=row.expires_at,
        )  # fmt: skip

    async def list(self, *, page: int, per_page: int) -> ApiKeyPage:
        async with self._platform.db.read_session() as session:
            total = await session.scalar(select(func.count()).select_from(ApiKey)) or 0
            rows = await session.scalars(
                select(ApiKey)
                .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            now = utcnow()
            items = [to_api_key_read(row, now) for row in rows]
        return ApiKeyPage(items=items, page=page, per_page=per_page, total=total)

    async def get(self, key_id: uuid.UUID) -> ApiKeyRead:
        async with self._platform.db.read_session() as session:
            row = await session.get(ApiKey, key_id)
        if row is None:
            raise NotFound(f"no API key {key_id}")
        return to_api_key_read(row, utcnow())

    async def revoke(self, actor: Principal | None, key_id: uuid.UUID) -> ApiKeyRead:
        """Revoke a key (again: nothing changes); refused everywhere within a second.

        ``actor`` None: the operator, from the command line."""
        if actor is not None:
            _no_key(actor)
        async with self._platform.uow() as uow:
            row = await uow.session.get(ApiKey, key_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no API key {key_id}")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
                row.revoked_by = actor.user_id if actor else None
                record(
                    uow.session, "api_key.revoked", resource="api_keys", resource_id=row.id,
                    actor_id=actor.user_id if actor else None, name=row.name,
                    via="api" if actor else "cli",
                )  # fmt: skip
                await self._sessions.changed_session(uow, row.id)
            await uow.commit()
        return to_api_key_read(row, utcnow())


async def acting_user(platform: Platform, grants: GrantStore, email: str) -> Principal:
    """The active user ``email`` of the current tenant as a principal (the CLI acts as one)."""
    async with platform.db.read_session() as session:
        user = await session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.status != "active":
        raise NotFound(f"no active user {email!r} in this tenant")
    roles, loaded = await grants.load(user.id)
    return Principal(
        user_id=user.id, tenant_id=user.tenant_id, session_id=uuid.UUID(int=0),
        role=highest_role(roles), email=user.email, grants=loaded,
    )  # fmt: skip
