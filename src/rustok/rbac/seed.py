"""A tenant's permission rows and system roles with their grants, from the catalogue.

A new tenant gets the whole catalogue (:func:`seed_tenant_rbac`). An existing tenant gets, on
``rustok migrate`` (:func:`sync_rbac`), the permissions it has no row for yet — those of a
newly installed module — with the system roles' default grants on them. Grants on
permissions a tenant already had are its own: they are never added back or taken away.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.ids import new_id
from rustok.rbac.catalogue import ROLE_NAMES, SYSTEM_ROLES, PermissionCatalogue
from rustok.rbac.models import Permission, Role, RolePermission


async def _add_permissions(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    role_ids: dict[str, uuid.UUID],
    pairs: Collection[tuple[str, str]],
    catalogue: PermissionCatalogue,
) -> None:
    permission_ids = {pair: new_id() for pair in pairs}
    await session.execute(
        insert(Permission),
        [
            {"id": pid, "tenant_id": tenant_id, "resource": r, "action": a}
            for (r, a), pid in permission_ids.items()
        ],
    )
    grants = [
        {
            "tenant_id": tenant_id,
            "role_id": role_ids[role],
            "permission_id": permission_ids[(resource, action)],
            "scope": scope,
        }
        for role, role_grants in catalogue.grants.items()
        if role in role_ids
        for resource, action, scope in role_grants
        if (resource, action) in permission_ids
    ]
    if grants:
        await session.execute(insert(RolePermission), grants)


async def seed_tenant_rbac(
    session: AsyncSession, tenant_id: uuid.UUID, catalogue: PermissionCatalogue
) -> dict[str, uuid.UUID]:
    """Insert every permission and the system roles for a new tenant; return role ids."""
    role_ids = {slug: new_id() for slug in SYSTEM_ROLES}
    await session.execute(
        insert(Role),
        [
            {"id": rid, "tenant_id": tenant_id, "slug": slug, "name": ROLE_NAMES[slug],
             "is_system": True}
            for slug, rid in role_ids.items()
        ],
    )  # fmt: skip
    await _add_permissions(session, tenant_id, role_ids, catalogue.pairs(), catalogue)
    return role_ids


@dataclass(frozen=True, slots=True)
class RbacSync:
    """What :func:`sync_rbac` added."""

    tenants: int
    permissions: int


async def sync_rbac(session: AsyncSession, catalogue: PermissionCatalogue) -> RbacSync:
    """Give every tenant the catalogue's permissions it lacks, with their default grants
    (in an all-tenants session)."""
    system_roles: dict[uuid.UUID, dict[str, uuid.UUID]] = {}
    roles = await session.execute(
        select(Role.tenant_id, Role.slug, Role.id).where(Role.is_system.is_(True))
    )
    for tenant_id, slug, role_id in roles.tuples():
        system_roles.setdefault(tenant_id, {})[slug] = role_id
    existing: dict[uuid.UUID, set[tuple[str, str]]] = {}
    permissions = await session.execute(
        select(Permission.tenant_id, Permission.resource, Permission.action)
    )
    for tenant_id, resource, action in permissions.tuples():
        existing.setdefault(tenant_id, set()).add((resource, action))
    wanted = catalogue.pairs()
    tenants = added = 0
    for tenant_id, role_ids in system_roles.items():
        have = existing.get(tenant_id, set())
        missing = [pair for pair in wanted if pair not in have]
        if missing:
            await _add_permissions(session, tenant_id, role_ids, missing, catalogue)
            tenants, added = tenants + 1, added + len(missing)
    return RbacSync(tenants, added)
