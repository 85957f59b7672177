"""Index: storefront read models (products, prices, content) and the full-text search table

Revision ID: 20261127_0006
Revises: 20261127_0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261127_0006"
down_revision: str | None = "20261127_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_content",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("search_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("body_format", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("author_name", sa.String(length=255), nullable=True),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("category_name", sa.String(length=255), nullable=True),
        sa.Column("category_slug", sa.String(length=255), nullable=True),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("meta_title", sa.String(length=255), nullable=True),
        sa.Column("meta_description", sa.String(length=500), nullable=True),
        sa.Column("featured_image_url", sa.String(length=1000), nullable=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_index_content_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_content")),
        sa.UniqueConstraint("search_key", name=op.f("uq_index_content_search_key")),
        sa.UniqueConstraint(
            "tenant_id", "node_id", "locale", name=op.f("uq_index_content_tenant_id_node_id_locale")
        ),
    )
    with op.batch_alter_table("index_content", schema=None) as batch_op:
        batch_op.create_index(
            "ix_index_content_list", ["tenant_id", "kind", "locale", "published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_index_content_node_id"), ["node_id"], unique=False)
        batch_op.create_index(
            "ix_index_content_slug", ["tenant_id", "kind", "locale", "slug"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_index_content_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "index_product_prices",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("price_min", sa.BigInteger(), nullable=False),
        sa.Column("price_max", sa.BigInteger(), nullable=False),
        sa.Column("compare_at_min", sa.BigInteger(), nullable=True),
        sa.Column("compare_at_max", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_index_product_prices_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "product_id", "currency_code", name=op.f("pk_index_product_prices")
        ),
    )
    with op.batch_alter_table("index_product_prices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_index_product_prices_sort",
            ["tenant_id", "currency_code", "price_min"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_index_product_prices_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "index_products",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("search_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("sort_title", sa.String(length=255), nullable=False),
        sa.Column("handle", sa.String(length=255), nullable=False),
        sa.Column("subtitle", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("vendor", sa.String(length=255), nullable=True),
        sa.Column(
            "category_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "category_names",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "category_handles",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("category_path", sa.String(length=1000), nullable=True),
        sa.Column(
            "collection_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "tags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "variants",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "images",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("thumbnail_url", sa.String(length=1000), nullable=True),
        sa.Column("variant_count", sa.Integer(), nullable=False),
        sa.Column("total_inventory", sa.Integer(), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("on_sale", sa.Boolean(), nullable=False),
        sa.Column("meta_title", sa.String(length=255), nullable=True),
        sa.Column("meta_description", sa.String(length=500), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_index_products_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_products")),
        sa.UniqueConstraint("search_key", name=op.f("uq_index_products_search_key")),
        sa.UniqueConstraint(
            "tenant_id",
            "product_id",
            "locale",
            name=op.f("uq_index_products_tenant_id_product_id_locale"),
        ),
    )
    with op.batch_alter_table("index_products", schema=None) as batch_op:
        batch_op.create_index(
            "ix_index_products_handle", ["tenant_id", "locale", "handle"], unique=False
        )
        batch_op.create_index(
            "ix_index_products_list",
            ["tenant_id", "locale", "is_published", "published_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_index_products_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_index_products_tenant_id"), ["tenant_id"], unique=False
        )

    _create_search_table()


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS index_search")
    with op.batch_alter_table("index_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_index_products_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_index_products_product_id"))
        batch_op.drop_index("ix_index_products_list")
        batch_op.drop_index("ix_index_products_handle")

    op.drop_table("index_products")
    with op.batch_alter_table("index_product_prices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_index_product_prices_tenant_id"))
        batch_op.drop_index("ix_index_product_prices_sort")

    op.drop_table("index_product_prices")
    with op.batch_alter_table("index_content", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_index_content_tenant_id"))
        batch_op.drop_index("ix_index_content_slug")
        batch_op.drop_index(batch_op.f("ix_index_content_node_id"))
        batch_op.drop_index("ix_index_content_list")

    op.drop_table("index_content")


def _create_search_table() -> None:
    # Full-text search lives outside the ORM metadata: FTS5 on SQLite, tsvector on PostgreSQL.
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE index_search (doc_key text PRIMARY KEY, tenant_id text NOT NULL, "
            "locale text NOT NULL, kind text NOT NULL, search_vector tsvector NOT NULL)"
        )
        op.execute("CREATE INDEX ix_index_search_vector ON index_search USING gin (search_vector)")
        op.execute("CREATE INDEX ix_index_search_tenant ON index_search (tenant_id, locale)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE index_search USING fts5(doc_key UNINDEXED, "
            "tenant_id UNINDEXED, locale UNINDEXED, kind UNINDEXED, title, body, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
