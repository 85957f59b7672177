"""The API keys migration gives every existing tenant the ``api_keys:*`` permissions, managed
by its admins and super admins, as a tenant created afterwards gets them from the catalogue."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import select

from rustok.core.db import Database
from rustok.migrations import alembic_config, downgrade, upgrade
from rustok.rbac.models import Permission, Role, RolePermission

REVISION = "20261206_0014"


async def _api_key_grants(db: Database) -> tuple[int, set[tuple[str, str]]]:
    async with db.read_session(all_tenants=True) as session:
        permissions = list(
            await session.scalars(
                select(Permission.action).where(Permission.resource == "api_keys")
            )
        )
        grants = set(
            (
                await session.execute(
                    select(Role.slug, Permission.action)
                    .join(RolePermission, RolePermission.role_id == Role.id)
                    .join(Permission, Permission.id == RolePermission.permission_id)
                    .where(Permission.resource == "api_keys")
                )
            ).tuples()
        )
    return len(permissions), grants


async def test_existing_tenants_get_the_api_key_permissions(db_url: str) -> None:
    previous = ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision
    assert isinstance(previous, str)
    db = Database(db_url)
    try:
        seeded = await _api_key_grants(db)  # the default tenant, seeded from the catalogue
        assert seeded == (8, {("super_admin", "manage"), ("admin", "manage")})
        await downgrade(db, previous)
        assert await _api_key_grants(db) == (0, set())
        await upgrade(db)
        assert await _api_key_grants(db) == seeded
    finally:
        await db.dispose()
