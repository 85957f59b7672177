"""Admin sessions: the tenant a super admin's admin session acts in

A super admin of the default tenant switches the tenant their admin session works in (the
shell's tenant switcher); the choice is the session row's, so it ends with the session and
no cookie can claim it. NULL: the session's own tenant.

Revision ID: 20261206_0016
Revises: 20261206_0015
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_0016"
down_revision: str | None = "20261206_0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("acting_tenant_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("acting_tenant_id")
