"""Outbox claims: the per-aggregate ordering check seeks (aggregate_id, status, id)

A claim skips an event while an older pending event of its aggregate is held elsewhere. With
``(aggregate_id, status)`` that check read every pending row of the aggregate; with ``id``
in the index it reads only the rows older than the candidate.

Revision ID: 20261206_0015
Revises: 20261206_0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261206_0015"
down_revision: str | None = "20261206_0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_sys_events_aggregate_id_status_id", "sys_events", ["aggregate_id", "status", "id"]
    )
    op.drop_index("ix_sys_events_aggregate_id_status", table_name="sys_events")


def downgrade() -> None:
    op.create_index("ix_sys_events_aggregate_id_status", "sys_events", ["aggregate_id", "status"])
    op.drop_index("ix_sys_events_aggregate_id_status_id", table_name="sys_events")
