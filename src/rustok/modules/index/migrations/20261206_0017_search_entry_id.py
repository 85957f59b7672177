"""Search entry ids on PostgreSQL: each ``index_search`` row gets ``entry_id``, the 63-bit id
SQLite's FTS5 table already uses as its rowid (the first 8 bytes of the key's SHA-256, top
bit cleared; ``search.search_entry_id``).

Ranking ties are broken by it on both engines, so a fixed corpus gives the same order on
both, and a search ranks entry ids alone before it reads any entry (SQLite reads no stored
column of the matches that way). Existing rows are filled here; SQLite has nothing to do.

Revision ID: 20261206_0017
Revises: 20261206_0016
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261206_0017"
down_revision: str | None = "20261206_0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# search_entry_id in SQL: the first 16 hex digits of the SHA-256 as a signed 64-bit integer,
# then the sign bit cleared.
ENTRY_ID = (
    "(('x' || left(encode(sha256(convert_to(doc_key, 'UTF8')), 'hex'), 16))::bit(64)::bigint"
    " & 9223372036854775807)"
)


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE index_search ADD COLUMN entry_id bigint")
    op.execute(f"UPDATE index_search SET entry_id = {ENTRY_ID}")  # noqa: S608 - a constant
    op.execute("ALTER TABLE index_search ALTER COLUMN entry_id SET NOT NULL")
    op.execute("CREATE UNIQUE INDEX ix_index_search_entry_id ON index_search (entry_id)")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_index_search_entry_id")
    op.execute("ALTER TABLE index_search DROP COLUMN entry_id")
