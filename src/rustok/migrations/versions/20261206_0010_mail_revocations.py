"""Mail through the outbox (mail_messages); principal changes every process polls;
registration attempts counted per client address

Revision ID: 20261206_0010
Revises: 20261206_0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261206_0010"
down_revision: str | None = "20261206_0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"],
        ["tenants.id"],
        name=op.f(f"fk_{table}_tenant_id_tenants"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("recipient", sa.String(length=255), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk("mail_messages"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
    )
    with op.batch_alter_table("mail_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mail_messages_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mail_messages_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "auth_registration_attempts",
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        _tenant_fk("auth_registration_attempts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_registration_attempts")),
    )
    with op.batch_alter_table("auth_registration_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_auth_registration_attempts_ip_created_at",
            ["ip_address", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_auth_registration_attempts_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "auth_principal_changes",
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        _tenant_fk("auth_principal_changes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_principal_changes")),
    )
    with op.batch_alter_table("auth_principal_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_auth_principal_changes_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_auth_principal_changes_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    for table in ("auth_principal_changes", "auth_registration_attempts", "mail_messages"):
        op.drop_table(table)
