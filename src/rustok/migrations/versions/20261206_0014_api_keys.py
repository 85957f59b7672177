"""API keys (K-1): the api_keys table, and the api_keys:* permissions of every existing
tenant, managed by its admins and super admins (new tenants get them from the catalogue)

Revision ID: 20261206_0014
Revises: 20261206_0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261206_0014"
down_revision: str | None = "20261206_0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESOURCE = "api_keys"
ACTIONS = ("create", "read", "update", "delete", "list", "export", "import", "manage")
MANAGERS = ("super_admin", "admin")

_tenants = sa.table("tenants", sa.column("id", sa.Uuid()))
_permissions = sa.table(
    "permissions",
    sa.column("id", sa.Uuid()),
    sa.column("tenant_id", sa.Uuid()),
    sa.column("resource", sa.String()),
    sa.column("action", sa.String()),
)
_roles = sa.table(
    "roles", sa.column("id", sa.Uuid()), sa.column("tenant_id", sa.Uuid()), sa.column("slug")
)
_grants = sa.table(
    "role_permissions",
    sa.column("tenant_id", sa.Uuid()),
    sa.column("role_id", sa.Uuid()),
    sa.column("permission_id", sa.Uuid()),
    sa.column("scope", sa.String()),
)


def _seed_permissions() -> None:
    bind = op.get_bind()
    tenant_ids = list(bind.execute(sa.select(_tenants.c.id)).scalars())
    for tenant_id in tenant_ids:
        have = set(
            bind.execute(
                sa.select(_permissions.c.action).where(
                    _permissions.c.tenant_id == tenant_id, _permissions.c.resource == RESOURCE
                )
            ).scalars()
        )
        rows = [
            {"id": uuid.uuid4(), "tenant_id": tenant_id, "resource": RESOURCE, "action": a}
            for a in ACTIONS
            if a not in have
        ]
        if rows:
            bind.execute(sa.insert(_permissions), rows)
        manage = bind.execute(
            sa.select(_permissions.c.id).where(
                _permissions.c.tenant_id == tenant_id,
                _permissions.c.resource == RESOURCE,
                _permissions.c.action == "manage",
            )
        ).scalar_one()
        role_ids = bind.execute(
            sa.select(_roles.c.id).where(
                _roles.c.tenant_id == tenant_id, _roles.c.slug.in_(MANAGERS)
            )
        ).scalars()
        for role_id in role_ids:
            granted = bind.execute(
                sa.select(sa.func.count())
                .select_from(_grants)
                .where(_grants.c.role_id == role_id, _grants.c.permission_id == manage)
            ).scalar_one()
            if not granted:
                bind.execute(
                    sa.insert(_grants),
                    [{"tenant_id": tenant_id, "role_id": role_id, "permission_id": manage,
                      "scope": "all"}],
                )  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "permissions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_ip", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_api_keys_created_by_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_api_keys_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_created_by"), ["created_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_keys_tenant_id"), ["tenant_id"], unique=False)
    _seed_permissions()


def downgrade() -> None:
    bind = op.get_bind()
    ids = sa.select(_permissions.c.id).where(_permissions.c.resource == RESOURCE)
    bind.execute(sa.delete(_grants).where(_grants.c.permission_id.in_(ids)))
    bind.execute(sa.delete(_permissions).where(_permissions.c.resource == RESOURCE))
    op.drop_table("api_keys")
