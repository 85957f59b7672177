"""Event backbone: consumer inbox and dead letters, outbox replays and claim indexes

Revision ID: 20261127_0003
Revises: 20261127_0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261127_0003"
down_revision: str | None = "20261127_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sys_event_inbox",
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_sys_event_inbox")),
    )
    op.create_table(
        "sys_event_dead_letters",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=128), nullable=False),
        sa.Column(
            "envelope",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_sys_event_dead_letters_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sys_event_dead_letters")),
        sa.UniqueConstraint(
            "consumer", "event_id", name=op.f("uq_sys_event_dead_letters_consumer_event_id")
        ),
    )
    with op.batch_alter_table("sys_event_dead_letters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sys_event_dead_letters_consumer"), ["consumer"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sys_event_dead_letters_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sys_event_dead_letters_tenant_id"), ["tenant_id"], unique=False
        )

    with op.batch_alter_table("sys_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replays", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index(
            "ix_sys_events_aggregate_id_status", ["aggregate_id", "status"], unique=False
        )
        batch_op.create_index("ix_sys_events_status_id", ["status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sys_events", schema=None) as batch_op:
        batch_op.drop_index("ix_sys_events_status_id")
        batch_op.drop_index("ix_sys_events_aggregate_id_status")
        batch_op.drop_column("replays")

    with op.batch_alter_table("sys_event_dead_letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sys_event_dead_letters_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_sys_event_dead_letters_event_id"))
        batch_op.drop_index(batch_op.f("ix_sys_event_dead_letters_consumer"))

    op.drop_table("sys_event_dead_letters")
    op.drop_table("sys_event_inbox")
