"""Commerce: catalogue, prices, inventory, carts, checkout, orders, payments, discounts.

Revision ID: 20261127_0005
Revises: 20261127_0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261127_0005"
down_revision: str | None = "20261127_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commerce_categories",
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("handle", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_categories_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_categories")),
        sa.UniqueConstraint(
            "tenant_id", "handle", name=op.f("uq_commerce_categories_tenant_id_handle")
        ),
    )
    with op.batch_alter_table("commerce_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_categories_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_categories_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_collections",
        sa.Column("handle", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_collections_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_collections")),
        sa.UniqueConstraint(
            "tenant_id", "handle", name=op.f("uq_commerce_collections_tenant_id_handle")
        ),
    )
    with op.batch_alter_table("commerce_collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_collections_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_discounts",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("min_subtotal", sa.BigInteger(), nullable=True),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("usage_count", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "usage_count >= 0", name=op.f("ck_commerce_discounts_usage_count_not_negative")
        ),
        sa.CheckConstraint(
            "usage_limit IS NULL OR usage_count <= usage_limit",
            name=op.f("ck_commerce_discounts_usage_within_limit"),
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_commerce_discounts_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_discounts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_discounts")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_commerce_discounts_tenant_id_code")),
    )
    with op.batch_alter_table("commerce_discounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_discounts_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_price_lists",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_price_lists_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_price_lists")),
    )
    with op.batch_alter_table("commerce_price_lists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_price_lists_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_products",
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("vendor", sa.String(length=255), nullable=True),
        sa.Column("product_type", sa.String(length=255), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_products_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_products")),
    )
    with op.batch_alter_table("commerce_products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_products_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            "ix_commerce_products_tenant_id_status", ["tenant_id", "status"], unique=False
        )

    op.create_table(
        "commerce_regions",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("tax_rate_bps", sa.Integer(), nullable=False),
        sa.Column(
            "countries",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "tax_rate_bps >= 0 AND tax_rate_bps <= 10000",
            name=op.f("ck_commerce_regions_tax_rate_range"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_regions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_regions")),
    )
    with op.batch_alter_table("commerce_regions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_regions_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_sequences",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_sequences_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_sequences")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_commerce_sequences_tenant_id_name")),
    )
    with op.batch_alter_table("commerce_sequences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_sequences_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_stock_locations",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column(
            "address",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_stock_locations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_stock_locations")),
        sa.UniqueConstraint(
            "tenant_id", "code", name=op.f("uq_commerce_stock_locations_tenant_id_code")
        ),
    )
    with op.batch_alter_table("commerce_stock_locations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_stock_locations_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_collection_products",
        sa.Column("collection_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["commerce_collections.id"],
            name=op.f("fk_commerce_collection_products_collection_id_commerce_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["commerce_products.id"],
            name=op.f("fk_commerce_collection_products_product_id_commerce_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_collection_products_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_collection_products")),
        sa.UniqueConstraint(
            "collection_id",
            "product_id",
            name=op.f("uq_commerce_collection_products_collection_id_product_id"),
        ),
    )
    with op.batch_alter_table("commerce_collection_products", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_collection_products_collection_id"),
            ["collection_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_collection_products_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_collection_products_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_customer_addresses",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("first_name", sa.String(length=255), nullable=False),
        sa.Column("last_name", sa.String(length=255), nullable=False),
        sa.Column("company", sa.String(length=255), nullable=True),
        sa.Column("address1", sa.String(length=255), nullable=False),
        sa.Column("address2", sa.String(length=255), nullable=True),
        sa.Column("city", sa.String(length=255), nullable=False),
        sa.Column("province", sa.String(length=255), nullable=True),
        sa.Column("postal_code", sa.String(length=64), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_customer_addresses_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_commerce_customer_addresses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_customer_addresses")),
    )
    with op.batch_alter_table("commerce_customer_addresses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_customer_addresses_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_customer_addresses_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "commerce_product_categories",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["commerce_categories.id"],
            name=op.f("fk_commerce_product_categories_category_id_commerce_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["commerce_products.id"],
            name=op.f("fk_commerce_product_categories_product_id_commerce_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_product_categories_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_product_categories")),
        sa.UniqueConstraint(
            "product_id",
            "category_id",
            name=op.f("uq_commerce_product_categories_product_id_category_id"),
        ),
    )
    with op.batch_alter_table("commerce_product_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_product_categories_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_product_categories_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_product_categories_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_product_images",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("media_id", sa.Uuid(), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("alt_text", sa.String(length=255), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["commerce_products.id"],
            name=op.f("fk_commerce_product_images_product_id_commerce_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_product_images_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_product_images")),
    )
    with op.batch_alter_table("commerce_product_images", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_product_images_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_product_images_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_product_options",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["commerce_products.id"],
            name=op.f("fk_commerce_product_options_product_id_commerce_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_product_options_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_product_options")),
        sa.UniqueConstraint(
            "product_id", "name", name=op.f("uq_commerce_product_options_product_id_name")
        ),
    )
    with op.batch_alter_table("commerce_product_options", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_product_options_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_product_options_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_product_translations",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("handle", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("meta_title", sa.String(length=255), nullable=True),
        sa.Column("meta_description", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["commerce_products.id"],
            name=op.f("fk_commerce_product_translations_product_id_commerce_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_product_translations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_product_translations")),
        sa.UniqueConstraint(
            "product_id", "locale", name=op.f("uq_commerce_product_translations_product_id_locale")
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "locale",
            "handle",
            name=op.f("uq_commerce_product_translations_tenant_id_locale_handle"),
        ),
    )
    with op.batch_alter_table("commerce_product_translations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_product_translations_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_product_translations_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_shipping_methods",
        sa.Column("region_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount >= 0", name=op.f("ck_commerce_shipping_methods_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["commerce_regions.id"],
            name=op.f("fk_commerce_shipping_methods_region_id_commerce_regions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_shipping_methods_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_shipping_methods")),
    )
    with op.batch_alter_table("commerce_shipping_methods", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_shipping_methods_region_id"), ["region_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_shipping_methods_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_variants",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("barcode", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.Column("weight_grams", sa.Integer(), nullable=True),
        sa.Column("length_mm", sa.Integer(), nullable=True),
        sa.Column("width_mm", sa.Integer(), nullable=True),
        sa.Column("height_mm", sa.Integer(), nullable=True),
        sa.Column("inventory_policy", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["commerce_products.id"],
            name=op.f("fk_commerce_variants_product_id_commerce_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_variants_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_variants")),
        sa.UniqueConstraint("tenant_id", "sku", name=op.f("uq_commerce_variants_tenant_id_sku")),
    )
    with op.batch_alter_table("commerce_variants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_variants_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_variants_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_carts",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("region_id", sa.Uuid(), nullable=True),
        sa.Column("shipping_method_id", sa.Uuid(), nullable=True),
        sa.Column("discount_code", sa.String(length=64), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["users.id"],
            name=op.f("fk_commerce_carts_customer_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["commerce_regions.id"],
            name=op.f("fk_commerce_carts_region_id_commerce_regions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shipping_method_id"],
            ["commerce_shipping_methods.id"],
            name=op.f("fk_commerce_carts_shipping_method_id_commerce_shipping_methods"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_carts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_carts")),
        sa.UniqueConstraint("token", name=op.f("uq_commerce_carts_token")),
    )
    with op.batch_alter_table("commerce_carts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_carts_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_carts_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_inventory_levels",
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("stocked", sa.BigInteger(), nullable=False),
        sa.Column("reserved", sa.BigInteger(), nullable=False),
        sa.Column("low_stock_threshold", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "reserved >= 0", name=op.f("ck_commerce_inventory_levels_reserved_not_negative")
        ),
        sa.CheckConstraint(
            "stocked >= 0", name=op.f("ck_commerce_inventory_levels_stocked_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["commerce_stock_locations.id"],
            name=op.f("fk_commerce_inventory_levels_location_id_commerce_stock_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_inventory_levels_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["commerce_variants.id"],
            name=op.f("fk_commerce_inventory_levels_variant_id_commerce_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_inventory_levels")),
        sa.UniqueConstraint(
            "variant_id",
            "location_id",
            name=op.f("uq_commerce_inventory_levels_variant_id_location_id"),
        ),
    )
    with op.batch_alter_table("commerce_inventory_levels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_inventory_levels_location_id"), ["location_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_inventory_levels_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_inventory_levels_variant_id"), ["variant_id"], unique=False
        )

    op.create_table(
        "commerce_prices",
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("price_list_id", sa.Uuid(), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("compare_at_amount", sa.BigInteger(), nullable=True),
        sa.Column("min_quantity", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_commerce_prices_amount_not_negative")),
        sa.CheckConstraint(
            "compare_at_amount IS NULL OR compare_at_amount >= amount",
            name=op.f("ck_commerce_prices_compare_at_ge_amount"),
        ),
        sa.CheckConstraint(
            "min_quantity >= 1", name=op.f("ck_commerce_prices_min_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["price_list_id"],
            ["commerce_price_lists.id"],
            name=op.f("fk_commerce_prices_price_list_id_commerce_price_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_prices_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["commerce_variants.id"],
            name=op.f("fk_commerce_prices_variant_id_commerce_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_prices")),
    )
    with op.batch_alter_table("commerce_prices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_prices_price_list_id"), ["price_list_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_prices_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_prices_variant_id"), ["variant_id"], unique=False
        )
        batch_op.create_index(
            "ix_commerce_prices_variant_id_currency_code",
            ["variant_id", "currency_code"],
            unique=False,
        )

    op.create_table(
        "commerce_product_option_values",
        sa.Column("option_id", sa.Uuid(), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["commerce_product_options.id"],
            name=op.f("fk_commerce_product_option_values_option_id_commerce_product_options"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_product_option_values_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_product_option_values")),
        sa.UniqueConstraint(
            "option_id", "value", name=op.f("uq_commerce_product_option_values_option_id_value")
        ),
    )
    with op.batch_alter_table("commerce_product_option_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_product_option_values_option_id"), ["option_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_product_option_values_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_cart_items",
        sa.Column("cart_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "quantity >= 0", name=op.f("ck_commerce_cart_items_quantity_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["cart_id"],
            ["commerce_carts.id"],
            name=op.f("fk_commerce_cart_items_cart_id_commerce_carts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_cart_items_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["commerce_variants.id"],
            name=op.f("fk_commerce_cart_items_variant_id_commerce_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_cart_items")),
        sa.UniqueConstraint(
            "cart_id", "variant_id", name=op.f("uq_commerce_cart_items_cart_id_variant_id")
        ),
    )
    with op.batch_alter_table("commerce_cart_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_cart_items_cart_id"), ["cart_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_cart_items_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_cart_items_variant_id"), ["variant_id"], unique=False
        )

    op.create_table(
        "commerce_orders",
        sa.Column("display_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cart_id", sa.Uuid(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("discount_total", sa.BigInteger(), nullable=False),
        sa.Column("tax_total", sa.BigInteger(), nullable=False),
        sa.Column("shipping_total", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate_bps", sa.Integer(), nullable=False),
        sa.Column("discount_id", sa.Uuid(), nullable=True),
        sa.Column("discount_code", sa.String(length=64), nullable=True),
        sa.Column("region_id", sa.Uuid(), nullable=True),
        sa.Column("shipping_method_id", sa.Uuid(), nullable=True),
        sa.Column("shipping_method_name", sa.String(length=255), nullable=True),
        sa.Column(
            "shipping_address",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "billing_address",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("payment_provider", sa.String(length=32), nullable=False),
        sa.Column("inventory_reserved", sa.Boolean(), nullable=False),
        sa.Column("payment_id", sa.String(length=255), nullable=True),
        sa.Column("tracking_number", sa.String(length=255), nullable=True),
        sa.Column("carrier", sa.String(length=255), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
        sa.Column("refunded", sa.Boolean(), nullable=False),
        sa.Column("refund_id", sa.String(length=255), nullable=True),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "discount_total >= 0 AND discount_total <= subtotal",
            name=op.f("ck_commerce_orders_discount_within_subtotal"),
        ),
        sa.CheckConstraint(
            "subtotal >= 0 AND tax_total >= 0 AND shipping_total >= 0 AND total >= 0",
            name=op.f("ck_commerce_orders_totals_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["cart_id"],
            ["commerce_carts.id"],
            name=op.f("fk_commerce_orders_cart_id_commerce_carts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["users.id"],
            name=op.f("fk_commerce_orders_customer_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["discount_id"],
            ["commerce_discounts.id"],
            name=op.f("fk_commerce_orders_discount_id_commerce_discounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_orders_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_orders")),
        sa.UniqueConstraint(
            "tenant_id", "display_number", name=op.f("uq_commerce_orders_tenant_id_display_number")
        ),
    )
    with op.batch_alter_table("commerce_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commerce_orders_cart_id"), ["cart_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commerce_orders_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_commerce_orders_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commerce_orders_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_variant_option_values",
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("option_value_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["option_value_id"],
            ["commerce_product_option_values.id"],
            name=op.f(
                "fk_commerce_variant_option_values_option_value_id_commerce_product_option_values"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_variant_option_values_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["commerce_variants.id"],
            name=op.f("fk_commerce_variant_option_values_variant_id_commerce_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_variant_option_values")),
        sa.UniqueConstraint(
            "variant_id",
            "option_value_id",
            name=op.f("uq_commerce_variant_option_values_variant_id_option_value_id"),
        ),
    )
    with op.batch_alter_table("commerce_variant_option_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_variant_option_values_option_value_id"),
            ["option_value_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_variant_option_values_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_variant_option_values_variant_id"), ["variant_id"], unique=False
        )

    op.create_table(
        "commerce_idempotency_keys",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("cart_id", sa.Uuid(), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cart_id"],
            ["commerce_carts.id"],
            name=op.f("fk_commerce_idempotency_keys_cart_id_commerce_carts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["commerce_orders.id"],
            name=op.f("fk_commerce_idempotency_keys_order_id_commerce_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_idempotency_keys_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_idempotency_keys")),
        sa.UniqueConstraint(
            "tenant_id", "key", name=op.f("uq_commerce_idempotency_keys_tenant_id_key")
        ),
    )
    with op.batch_alter_table("commerce_idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_idempotency_keys_cart_id"), ["cart_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_idempotency_keys_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_order_history",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["commerce_orders.id"],
            name=op.f("fk_commerce_order_history_order_id_commerce_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_order_history_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_order_history")),
    )
    with op.batch_alter_table("commerce_order_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_order_history_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_order_history_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_order_lines",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=True),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("variant_title", sa.String(length=255), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("discount_total", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["commerce_orders.id"],
            name=op.f("fk_commerce_order_lines_order_id_commerce_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_order_lines_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["commerce_variants.id"],
            name=op.f("fk_commerce_order_lines_variant_id_commerce_variants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_order_lines")),
    )
    with op.batch_alter_table("commerce_order_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_order_lines_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_order_lines_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_order_lines_variant_id"), ["variant_id"], unique=False
        )

    op.create_table(
        "commerce_payments",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("provider_reference", sa.String(length=255), nullable=True),
        sa.Column("capture_reference", sa.String(length=255), nullable=True),
        sa.Column("refund_reference", sa.String(length=255), nullable=True),
        sa.Column("failure_reason", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_commerce_payments_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["commerce_orders.id"],
            name=op.f("fk_commerce_payments_order_id_commerce_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_payments_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_payments")),
    )
    with op.batch_alter_table("commerce_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_payments_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_payments_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "commerce_reservations",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "quantity >= 0", name=op.f("ck_commerce_reservations_quantity_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["commerce_inventory_levels.id"],
            name=op.f("fk_commerce_reservations_level_id_commerce_inventory_levels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["commerce_orders.id"],
            name=op.f("fk_commerce_reservations_order_id_commerce_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_commerce_reservations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commerce_reservations")),
    )
    with op.batch_alter_table("commerce_reservations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commerce_reservations_level_id"), ["level_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_reservations_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commerce_reservations_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("commerce_reservations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_reservations_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_reservations_order_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_reservations_level_id"))

    op.drop_table("commerce_reservations")
    with op.batch_alter_table("commerce_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_payments_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_payments_order_id"))

    op.drop_table("commerce_payments")
    with op.batch_alter_table("commerce_order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_order_lines_variant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_order_lines_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_order_lines_order_id"))

    op.drop_table("commerce_order_lines")
    with op.batch_alter_table("commerce_order_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_order_history_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_order_history_order_id"))

    op.drop_table("commerce_order_history")
    with op.batch_alter_table("commerce_idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_idempotency_keys_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_idempotency_keys_cart_id"))

    op.drop_table("commerce_idempotency_keys")
    with op.batch_alter_table("commerce_variant_option_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_variant_option_values_variant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_variant_option_values_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_variant_option_values_option_value_id"))

    op.drop_table("commerce_variant_option_values")
    with op.batch_alter_table("commerce_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_orders_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_orders_status"))
        batch_op.drop_index(batch_op.f("ix_commerce_orders_customer_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_orders_cart_id"))

    op.drop_table("commerce_orders")
    with op.batch_alter_table("commerce_cart_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_cart_items_variant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_cart_items_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_cart_items_cart_id"))

    op.drop_table("commerce_cart_items")
    with op.batch_alter_table("commerce_product_option_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_product_option_values_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_product_option_values_option_id"))

    op.drop_table("commerce_product_option_values")
    with op.batch_alter_table("commerce_prices", schema=None) as batch_op:
        batch_op.drop_index("ix_commerce_prices_variant_id_currency_code")
        batch_op.drop_index(batch_op.f("ix_commerce_prices_variant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_prices_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_prices_price_list_id"))

    op.drop_table("commerce_prices")
    with op.batch_alter_table("commerce_inventory_levels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_inventory_levels_variant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_inventory_levels_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_inventory_levels_location_id"))

    op.drop_table("commerce_inventory_levels")
    with op.batch_alter_table("commerce_carts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_carts_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_carts_customer_id"))

    op.drop_table("commerce_carts")
    with op.batch_alter_table("commerce_variants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_variants_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_variants_product_id"))

    op.drop_table("commerce_variants")
    with op.batch_alter_table("commerce_shipping_methods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_shipping_methods_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_shipping_methods_region_id"))

    op.drop_table("commerce_shipping_methods")
    with op.batch_alter_table("commerce_product_translations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_product_translations_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_product_translations_product_id"))

    op.drop_table("commerce_product_translations")
    with op.batch_alter_table("commerce_product_options", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_product_options_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_product_options_product_id"))

    op.drop_table("commerce_product_options")
    with op.batch_alter_table("commerce_product_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_product_images_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_product_images_product_id"))

    op.drop_table("commerce_product_images")
    with op.batch_alter_table("commerce_product_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_product_categories_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_product_categories_product_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_product_categories_category_id"))

    op.drop_table("commerce_product_categories")
    with op.batch_alter_table("commerce_customer_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_customer_addresses_user_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_customer_addresses_tenant_id"))

    op.drop_table("commerce_customer_addresses")
    with op.batch_alter_table("commerce_collection_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_collection_products_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_collection_products_product_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_collection_products_collection_id"))

    op.drop_table("commerce_collection_products")
    with op.batch_alter_table("commerce_stock_locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_stock_locations_tenant_id"))

    op.drop_table("commerce_stock_locations")
    with op.batch_alter_table("commerce_sequences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_sequences_tenant_id"))

    op.drop_table("commerce_sequences")
    with op.batch_alter_table("commerce_regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_regions_tenant_id"))

    op.drop_table("commerce_regions")
    with op.batch_alter_table("commerce_products", schema=None) as batch_op:
        batch_op.drop_index("ix_commerce_products_tenant_id_status")
        batch_op.drop_index(batch_op.f("ix_commerce_products_tenant_id"))

    op.drop_table("commerce_products")
    with op.batch_alter_table("commerce_price_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_price_lists_tenant_id"))

    op.drop_table("commerce_price_lists")
    with op.batch_alter_table("commerce_discounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_discounts_tenant_id"))

    op.drop_table("commerce_discounts")
    with op.batch_alter_table("commerce_collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_collections_tenant_id"))

    op.drop_table("commerce_collections")
    with op.batch_alter_table("commerce_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commerce_categories_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_commerce_categories_parent_id"))

    op.drop_table("commerce_categories")
