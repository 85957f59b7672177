"""Scoped words on SQLite: each word of an FTS5 search entry becomes its scope token, ``_``
and the word (``s<tenant><locale>_red``), so a search asks the index for one tenant's
locale's words alone, and ``bm25`` counts that scope's entries only (``search.py``).

The tokenizer keeps ``_`` inside a token (``tokenchars '_'``); normalised text never holds
one, so nothing else changes in how entries are split into words. FTS5 tables cannot change
their tokenizer: the entries are copied into a new table (same rowids, scope and lengths),
then the index is merged into one segment. PostgreSQL has nothing to do: its scope stays one
lexeme, and ``ts_rank`` reads one document only.

Revision ID: 20261206_0018
Revises: 20261206_0017
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261206_0018"
down_revision: str | None = "20261206_0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# search.word_prefix in SQL (scope_token as migration 0012 wrote it, then "_").
PREFIX = "('s' || replace(tenant_id, '-', '') || replace(lower(locale), '-', 'x') || '_')"
COLUMNS = "doc_key, tenant_id, locale, kind, title, body, scope"


def _fts5_table(name: str, tokenize: str) -> str:
    return (
        f"CREATE VIRTUAL TABLE {name} USING fts5(doc_key UNINDEXED, tenant_id UNINDEXED, "
        f'locale UNINDEXED, kind UNINDEXED, title, body, scope, tokenize="{tokenize}")'
    )


def _scoped(column: str) -> str:
    """search.scoped_words: the prefix before the first word and after every space."""
    return (
        f"CASE WHEN {column} = '' THEN '' "
        f"ELSE {PREFIX} || replace({column}, ' ', ' ' || {PREFIX}) END"
    )


def _plain(column: str) -> str:
    return f"replace({column}, {PREFIX}, '')"


def _replace_table(tokenize: str, title: str, body: str) -> None:
    op.execute(_fts5_table("index_search_copy", tokenize))
    op.execute(
        f"INSERT INTO index_search_copy (rowid, {COLUMNS}) "  # noqa: S608 - constants
        f"SELECT rowid, doc_key, tenant_id, locale, kind, {title}, {body}, scope "
        "FROM index_search"
    )
    op.execute("DROP TABLE index_search")
    op.execute("ALTER TABLE index_search_copy RENAME TO index_search")
    # One segment: the copy's inserts leave several, and every query reads each.
    op.execute("INSERT INTO index_search (index_search) VALUES ('optimize')")


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        return
    tokenize = "unicode61 remove_diacritics 2 tokenchars '_'"
    _replace_table(tokenize, _scoped("title"), _scoped("body"))


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        return
    _replace_table("unicode61 remove_diacritics 2", _plain("title"), _plain("body"))
