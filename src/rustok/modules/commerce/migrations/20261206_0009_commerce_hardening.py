"""Commerce hardening: checkout idempotency keys are unique per cart, not per tenant

Revision ID: 20261206_0009
Revises: 20261206_0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261206_0009"
down_revision: str | None = "20261206_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("commerce_idempotency_keys", schema=None) as batch_op:
        batch_op.drop_constraint("uq_commerce_idempotency_keys_tenant_id_key", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_commerce_idempotency_keys_tenant_id_cart_id_key"),
            ["tenant_id", "cart_id", "key"],
        )


def downgrade() -> None:
    # Keys that only the per-cart scope allowed (one key on two carts) would break the old
    # constraint: the newest record of such a key goes, its order stays.
    op.execute(
        "DELETE FROM commerce_idempotency_keys WHERE id IN ("
        " SELECT newer.id FROM commerce_idempotency_keys newer"
        " JOIN commerce_idempotency_keys older ON older.tenant_id = newer.tenant_id"
        " AND older.key = newer.key AND older.id < newer.id)"
    )
    with op.batch_alter_table("commerce_idempotency_keys", schema=None) as batch_op:
        batch_op.drop_constraint(
            "uq_commerce_idempotency_keys_tenant_id_cart_id_key", type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_commerce_idempotency_keys_tenant_id_key"), ["tenant_id", "key"]
        )
