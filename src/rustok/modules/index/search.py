"""Full-text search over the read models (IX-2): one contract, two engines.

SQLite uses an FTS5 table, PostgreSQL a ``tsvector`` with a GIN index; both are created by
the migration (``index_search``, outside the ORM metadata). Both see the same normalised
words (``text.py``) and rank title matches far above body matches, so a fixed corpus gives
the same order on both — the tests check it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR

from rustok.modules.index.text import fts5_query, tsquery

SEARCH: Any = Table(
    "index_search",
    MetaData(),  # not the app's metadata: the migration owns this table, per dialect
    Column("doc_key", String, primary_key=True),
    Column("tenant_id", String),
    Column("locale", String),
    Column("kind", String),
    Column("search_vector", TSVECTOR),
)


class SearchEngine:
    """Match condition and rank (lower is better) for a list of query words."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def match(self, words: list[str]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
        if self.dialect == "postgresql":
            query = func.to_tsquery(
                literal_column("'simple'::regconfig"), bindparam("search_query", tsquery(words))
            )
            return SEARCH.c.search_vector.op("@@")(query), -func.ts_rank(
                SEARCH.c.search_vector, query
            )
        match: ColumnElement[Any] = text("index_search MATCH :search_query").bindparams(  # type: ignore[assignment]
            search_query=fts5_query(words)
        )
        # Columns: doc_key, tenant_id, locale, kind, title, body: the title weighs ten times more.
        bm25: ColumnElement[Any] = literal_column(
            "bm25(index_search, 0.0, 0.0, 0.0, 0.0, 10.0, 1.0)"
        )
        return match, bm25
