"""Test data: a system role without one resource's grants (a staff member who lacks them)."""

from __future__ import annotations

from sqlalchemy import delete, select

from rustok.api.app import RustokApp
from rustok.rbac.models import Permission, Role, RolePermission


async def revoke(app: RustokApp, role: str, resource: str) -> None:
    """Take every ``resource:*`` grant away from ``role`` in every tenant."""
    async with app.platform.db.write_session(all_tenants=True) as session:
        roles = select(Role.id).where(Role.slug == role)
        permissions = select(Permission.id).where(Permission.resource == resource)
        await session.execute(
            delete(RolePermission).where(
                RolePermission.role_id.in_(roles), RolePermission.permission_id.in_(permissions)
            )
        )
        await session.commit()
