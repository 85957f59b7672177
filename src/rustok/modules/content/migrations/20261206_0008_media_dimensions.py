"""Media dimensions: width and height of uploaded images

Revision ID: 20261206_0008
Revises: 20261127_0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_0008"
down_revision: str | None = "20261127_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("content_media", schema=None) as batch_op:
        batch_op.add_column(sa.Column("width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("height", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("content_media", schema=None) as batch_op:
        batch_op.drop_column("height")
        batch_op.drop_column("width")
