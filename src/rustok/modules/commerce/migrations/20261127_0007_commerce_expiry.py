"""Commerce expiry: indexes for the periodic jobs that expire pending orders, idle carts and
old idempotency keys

Revision ID: 20261127_0007
Revises: 20261127_0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261127_0007"
down_revision: str | None = "20261127_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_commerce_orders_status_placed_at"),
        "commerce_orders",
        ["status", "placed_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_commerce_carts_status_updated_at"),
        "commerce_carts",
        ["status", "updated_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_commerce_idempotency_keys_created_at"),
        "commerce_idempotency_keys",
        ["created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_commerce_idempotency_keys_created_at"), table_name="commerce_idempotency_keys"
    )
    op.drop_index(op.f("ix_commerce_carts_status_updated_at"), table_name="commerce_carts")
    op.drop_index(op.f("ix_commerce_orders_status_placed_at"), table_name="commerce_orders")
