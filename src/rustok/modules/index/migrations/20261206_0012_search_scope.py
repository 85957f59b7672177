"""Search scope: each search entry carries a token naming its tenant and locale

The token (``s`` + the tenant's 32 hex digits + the locale without hyphens) is indexed like a
word — an FTS5 column of its own on SQLite, a lexeme of the ``tsvector`` on PostgreSQL — so
a search finds one tenant's locale through the full-text index instead of matching every
tenant's entries and filtering them afterwards. Existing entries get it here.

Revision ID: 20261206_0012
Revises: 20261206_0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261206_0012"
down_revision: str | None = "20261206_0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPE = "'s' || replace(tenant_id, '-', '') || replace(lower(locale), '-', 'x')"
FTS5_COLUMNS = "doc_key, tenant_id, locale, kind, title, body"


def _fts5_table(name: str, scope: bool) -> str:
    return (
        f"CREATE VIRTUAL TABLE {name} USING fts5(doc_key UNINDEXED, tenant_id UNINDEXED, "
        "locale UNINDEXED, kind UNINDEXED, title, body"
        + (", scope" if scope else "")
        + ", tokenize='unicode61 remove_diacritics 2')"
    )


def _copy(target: str, columns: str, values: str) -> str:
    """Copy every entry of ``index_search`` into ``target``, keeping the rowids."""
    return f"INSERT INTO {target} (rowid, {columns}) SELECT rowid, {values} FROM index_search"  # noqa: S608 - constants


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Weight C: a visitor's words ask for A (title) and D (body) only, never the scope.
        vector = f"search_vector || setweight(to_tsvector('simple', {SCOPE}), 'C')"
        op.execute(f"UPDATE index_search SET search_vector = {vector}")  # noqa: S608 - constants
        return
    # FTS5 tables cannot gain a column: copy the entries into a new one (same rowids).
    op.execute(_fts5_table("index_search_scoped", scope=True))
    op.execute(_copy("index_search_scoped", f"{FTS5_COLUMNS}, scope", f"{FTS5_COLUMNS}, {SCOPE}"))
    op.execute("DROP TABLE index_search")
    op.execute("ALTER TABLE index_search_scoped RENAME TO index_search")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        vector = f"ts_delete(search_vector, {SCOPE})"
        op.execute(f"UPDATE index_search SET search_vector = {vector}")  # noqa: S608 - constants
        return
    op.execute(_fts5_table("index_search_unscoped", scope=False))
    op.execute(_copy("index_search_unscoped", FTS5_COLUMNS, FTS5_COLUMNS))
    op.execute("DROP TABLE index_search")
    op.execute("ALTER TABLE index_search_unscoped RENAME TO index_search")
