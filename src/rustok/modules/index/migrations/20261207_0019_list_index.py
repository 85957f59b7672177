"""The storefront list's index ends with ``product_id``: the list is ordered by
``published_at`` then ``product_id`` (its keyset cursor's tie-breaker), and without the id in
the index SQLite sorted each page's rows in a temporary B-tree after reading them (about
twice the VM steps of a page of 20) and PostgreSQL added an incremental sort. Now the index
order is the answer's order, in both directions (newest and oldest).

Revision ID: 20261207_0019
Revises: 20261206_0018
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261207_0019"
down_revision: str | None = "20261206_0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_index_products_list"
BEFORE = ["tenant_id", "locale", "is_published", "published_at"]


def upgrade() -> None:
    op.drop_index(NAME, table_name="index_products")
    op.create_index(NAME, "index_products", [*BEFORE, "product_id"], unique=False)


def downgrade() -> None:
    op.drop_index(NAME, table_name="index_products")
    op.create_index(NAME, "index_products", BEFORE, unique=False)
