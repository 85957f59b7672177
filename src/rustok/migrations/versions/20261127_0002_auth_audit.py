"""Auth: rotated refresh tokens, one-time tokens, login failures; the audit log

Revision ID: 20261127_0002
Revises: 20261127_0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261127_0002"
down_revision: str | None = "20261127_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("resource", sa.String(length=64), nullable=True),
        sa.Column("resource_id", sa.String(length=64), nullable=True),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column("trace_id", sa.String(length=32), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_audit_log_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_audit_log_tenant_id_created_at", ["tenant_id", "created_at"], unique=False
        )

    op.create_table(
        "auth_login_failures",
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_auth_login_failures_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_login_failures")),
    )
    with op.batch_alter_table("auth_login_failures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_auth_login_failures_email_created_at",
            ["tenant_id", "email", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_auth_login_failures_ip_created_at", ["ip_address", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_auth_login_failures_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "auth_one_time_tokens",
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_auth_one_time_tokens_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_one_time_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_one_time_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_one_time_tokens_token_hash")),
    )
    with op.batch_alter_table("auth_one_time_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_auth_one_time_tokens_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_auth_one_time_tokens_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "auth_rotated_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_auth_rotated_tokens_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_auth_rotated_tokens_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_auth_rotated_tokens")),
    )
    with op.batch_alter_table("auth_rotated_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_auth_rotated_tokens_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_auth_rotated_tokens_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("auth_rotated_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_rotated_tokens_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_auth_rotated_tokens_session_id"))

    op.drop_table("auth_rotated_tokens")
    with op.batch_alter_table("auth_one_time_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_one_time_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_auth_one_time_tokens_tenant_id"))

    op.drop_table("auth_one_time_tokens")
    with op.batch_alter_table("auth_login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_login_failures_tenant_id"))
        batch_op.drop_index("ix_auth_login_failures_ip_created_at")
        batch_op.drop_index("ix_auth_login_failures_email_created_at")

    op.drop_table("auth_login_failures")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_tenant_id_created_at")
        batch_op.drop_index(batch_op.f("ix_audit_log_tenant_id"))

    op.drop_table("audit_log")
