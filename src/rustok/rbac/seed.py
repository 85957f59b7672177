"""Seeds a tenant's permission rows and system roles with their grants."""

from __future__ import annotations

import uuid

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from rustok.core.ids import new_id
from rustok.rbac.catalogue import ROLE_NAMES, SYSTEM_ROLES, all_permissions, system_role_grants
from rustok.rbac.models import Permission, Role, RolePermission


async def seed_tenant_rbac(session: AsyncSession, tenant_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """Insert every permission and the system roles for a new tenant; return role ids."""
    permission_ids = {pair: new_id() for pair in all_permissions()}
    await session.execute(
        insert(Permission),
        [
            {"id": pid, "tenant_id": tenant_id, "resource": r, "action": a}
            for (r, a), pid in permission_ids.items()
        ],
    )
    role_ids = {slug: new_id() for slug in SYSTEM_ROLES}
    await session.execute(
        insert(Role),
        [
            {"id": rid, "tenant_id": tenant_id, "slug": slug, "name": ROLE_NAMES[slug],
             "is_system": True}
            for slug, rid in role_ids.items()
        ],
    )  # fmt: skip
    grants = [
        {
            "tenant_id": tenant_id,
            "role_id": role_ids[role],
            "permission_id": permission_ids[(resource, action)],
            "scope": scope,
        }
        for role, role_grants in system_role_grants().items()
        for resource, action, scope in role_grants
    ]
    await session.execute(insert(RolePermission), grants)
    return role_ids
