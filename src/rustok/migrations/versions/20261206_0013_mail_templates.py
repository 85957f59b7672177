"""Tenants' own mail templates (mail_templates); the language of an order's mails
(commerce_orders.locale)

Revision ID: 20261206_0013
Revises: 20261206_0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_0013"
down_revision: str | None = "20261206_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_templates",
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_mail_templates_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_templates")),
        sa.UniqueConstraint(
            "tenant_id",
            "template",
            "locale",
            name=op.f("uq_mail_templates_tenant_id_template_locale"),
        ),
    )
    with op.batch_alter_table("mail_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mail_templates_tenant_id"), ["tenant_id"], unique=False
        )
    with op.batch_alter_table("commerce_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("commerce_orders", schema=None) as batch_op:
        batch_op.drop_column("locale")
    op.drop_table("mail_templates")
