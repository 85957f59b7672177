"""Content modules: nodes with translations and bodies, categories, tags, media; forum
state; page menus

Revision ID: 20261127_0004
Revises: 20261127_0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261127_0004"
down_revision: str | None = "20261127_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_categories",
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["content_categories.id"],
            name=op.f("fk_content_categories_parent_id_content_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_categories_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_categories")),
    )
    with op.batch_alter_table("content_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_categories_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_content_categories_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "content_tags",
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_tags_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_tags")),
    )
    with op.batch_alter_table("content_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_tags_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "forum_categories",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("icon", sa.String(length=64), nullable=True),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.Column("moderated", sa.Boolean(), nullable=False),
        sa.Column("topic_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("topic_count >= 0", name=op.f("ck_forum_categories_counters")),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_forum_categories_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_forum_categories")),
    )
    with op.batch_alter_table("forum_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forum_categories_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "page_menus",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("location", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "location IN ('header', 'footer', 'sidebar', 'mobile')",
            name=op.f("ck_page_menus_location"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_page_menus_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_menus")),
        sa.UniqueConstraint("tenant_id", "location", name=op.f("uq_page_menus_tenant_id_location")),
    )
    with op.batch_alter_table("page_menus", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_page_menus_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "content_category_translations",
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["content_categories.id"],
            name=op.f("fk_content_category_translations_category_id_content_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_category_translations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_category_translations")),
        sa.UniqueConstraint(
            "category_id",
            "locale",
            name=op.f("uq_content_category_translations_category_id_locale"),
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "locale",
            "slug",
            name=op.f("uq_content_category_translations_tenant_id_locale_slug"),
        ),
    )
    with op.batch_alter_table("content_category_translations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_category_translations_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "content_media",
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_content_media_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_media_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_media")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_content_media_storage_key")),
    )
    with op.batch_alter_table("content_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_media_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_content_media_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "content_nodes",
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'archived')", name=op.f("ck_content_nodes_status")
        ),
        sa.CheckConstraint(
            "position >= 0 AND depth >= 0 AND reply_count >= 0",
            name=op.f("ck_content_nodes_counters"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_content_nodes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["content_categories.id"],
            name=op.f("fk_content_nodes_category_id_content_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["content_nodes.id"],
            name=op.f("fk_content_nodes_parent_id_content_nodes"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_nodes_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_nodes")),
    )
    with op.batch_alter_table("content_nodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_nodes_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_content_nodes_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_content_nodes_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_content_nodes_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_content_nodes_tenant_id_kind_status_created_at"),
            ["tenant_id", "kind", "status", "created_at"],
            unique=False,
        )

    op.create_table(
        "content_tag_translations",
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["content_tags.id"],
            name=op.f("fk_content_tag_translations_tag_id_content_tags"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_tag_translations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_tag_translations")),
        sa.UniqueConstraint(
            "tag_id", "locale", name=op.f("uq_content_tag_translations_tag_id_locale")
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "locale",
            "slug",
            name=op.f("uq_content_tag_translations_tenant_id_locale_slug"),
        ),
    )
    with op.batch_alter_table("content_tag_translations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_tag_translations_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "forum_topics",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("is_pinned", sa.Boolean(), nullable=False),
        sa.Column("is_locked", sa.Boolean(), nullable=False),
        sa.Column("pending_count", sa.Integer(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'closed', 'archived')", name=op.f("ck_forum_topics_status")
        ),
        sa.CheckConstraint("pending_count >= 0", name=op.f("ck_forum_topics_counters")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_forum_topics_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["forum_categories.node_id"],
            name=op.f("fk_forum_topics_category_id_forum_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_forum_topics_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_forum_topics")),
    )
    with op.batch_alter_table("forum_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_topics_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_topics_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_forum_topics_tenant_id_category_id_is_pinned_last_activity_at"),
            ["tenant_id", "category_id", "is_pinned", "last_activity_at"],
            unique=False,
        )

    op.create_table(
        "page_menu_items",
        sa.Column("menu_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "labels",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("page_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["menu_id"],
            ["page_menus.id"],
            name=op.f("fk_page_menu_items_menu_id_page_menus"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["page_menu_items.id"],
            name=op.f("fk_page_menu_items_parent_id_page_menu_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_page_menu_items_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_menu_items")),
    )
    with op.batch_alter_table("page_menu_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_page_menu_items_menu_id"), ["menu_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_page_menu_items_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "content_bodies",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["content_nodes.id"],
            name=op.f("fk_content_bodies_node_id_content_nodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_bodies_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_bodies")),
        sa.UniqueConstraint("node_id", "locale", name=op.f("uq_content_bodies_node_id_locale")),
    )
    with op.batch_alter_table("content_bodies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_bodies_node_id"), ["node_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_content_bodies_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "content_media_translations",
        sa.Column("media_id", sa.Uuid(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("alt_text", sa.String(length=1000), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["content_media.id"],
            name=op.f("fk_content_media_translations_media_id_content_media"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_media_translations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_media_translations")),
        sa.UniqueConstraint(
            "media_id", "locale", name=op.f("uq_content_media_translations_media_id_locale")
        ),
    )
    with op.batch_alter_table("content_media_translations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_media_translations_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "content_node_tags",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["content_nodes.id"],
            name=op.f("fk_content_node_tags_node_id_content_nodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["content_tags.id"],
            name=op.f("fk_content_node_tags_tag_id_content_tags"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_node_tags_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("node_id", "tag_id", name=op.f("pk_content_node_tags")),
    )
    with op.batch_alter_table("content_node_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_node_tags_tag_id"), ["tag_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_content_node_tags_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "content_node_translations",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"],
            ["content_nodes.id"],
            name=op.f("fk_content_node_translations_node_id_content_nodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_content_node_translations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_node_translations")),
        sa.UniqueConstraint(
            "node_id", "locale", name=op.f("uq_content_node_translations_node_id_locale")
        ),
        sa.UniqueConstraint(
            "tenant_id",
            "kind",
            "locale",
            "slug",
            name=op.f("uq_content_node_translations_tenant_id_kind_locale_slug"),
        ),
    )
    with op.batch_alter_table("content_node_translations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_content_node_translations_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_content_node_translations_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "forum_replies",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("topic_id", sa.Uuid(), nullable=False),
        sa.Column("parent_reply_id", sa.Uuid(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'hidden')",
            name=op.f("ck_forum_replies_status"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_forum_replies_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_reply_id"],
            ["forum_replies.node_id"],
            name=op.f("fk_forum_replies_parent_reply_id_forum_replies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_forum_replies_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["forum_topics.node_id"],
            name=op.f("fk_forum_replies_topic_id_forum_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_forum_replies")),
    )
    with op.batch_alter_table("forum_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forum_replies_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forum_replies_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_forum_replies_tenant_id_topic_id_status_created_at"),
            ["tenant_id", "topic_id", "status", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("forum_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_replies_tenant_id_topic_id_status_created_at"))
        batch_op.drop_index(batch_op.f("ix_forum_replies_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_forum_replies_author_id"))

    op.drop_table("forum_replies")
    with op.batch_alter_table("content_node_translations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_node_translations_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_content_node_translations_node_id"))

    op.drop_table("content_node_translations")
    with op.batch_alter_table("content_node_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_node_tags_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_content_node_tags_tag_id"))

    op.drop_table("content_node_tags")
    with op.batch_alter_table("content_media_translations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_media_translations_tenant_id"))

    op.drop_table("content_media_translations")
    with op.batch_alter_table("content_bodies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_bodies_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_content_bodies_node_id"))

    op.drop_table("content_bodies")
    with op.batch_alter_table("page_menu_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_menu_items_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_page_menu_items_menu_id"))

    op.drop_table("page_menu_items")
    with op.batch_alter_table("forum_topics", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_forum_topics_tenant_id_category_id_is_pinned_last_activity_at")
        )
        batch_op.drop_index(batch_op.f("ix_forum_topics_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_forum_topics_author_id"))

    op.drop_table("forum_topics")
    with op.batch_alter_table("content_tag_translations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_tag_translations_tenant_id"))

    op.drop_table("content_tag_translations")
    with op.batch_alter_table("content_nodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_nodes_tenant_id_kind_status_created_at"))
        batch_op.drop_index(batch_op.f("ix_content_nodes_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_content_nodes_parent_id"))
        batch_op.drop_index(batch_op.f("ix_content_nodes_category_id"))
        batch_op.drop_index(batch_op.f("ix_content_nodes_author_id"))

    op.drop_table("content_nodes")
    with op.batch_alter_table("content_media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_media_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_content_media_author_id"))

    op.drop_table("content_media")
    with op.batch_alter_table("content_category_translations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_category_translations_tenant_id"))

    op.drop_table("content_category_translations")
    with op.batch_alter_table("page_menus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_menus_tenant_id"))

    op.drop_table("page_menus")
    with op.batch_alter_table("forum_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forum_categories_tenant_id"))

    op.drop_table("forum_categories")
    with op.batch_alter_table("content_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_tags_tenant_id"))

    op.drop_table("content_tags")
    with op.batch_alter_table("content_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_content_categories_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_content_categories_parent_id"))

    op.drop_table("content_categories")
