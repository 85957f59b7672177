"""Full-text search over the read models (IX-2): one contract, two engines.

SQLite uses an FTS5 table, PostgreSQL a ``tsvector`` with a GIN index; both are created by
the migrations (``index_search``, outside the ORM metadata). Both see the same normalised
words (``text.py``) and rank title matches far above body matches, so a fixed corpus gives
the same order on both — the tests check it.

Every entry also carries one *scope* token naming its tenant and locale
(:func:`scope_token`), indexed like a word (an FTS5 column of its own, a lexeme of the
``tsvector``), and every query asks for it: the full-text index itself narrows a search to
one tenant's locale instead of matching every tenant's documents and filtering afterwards.
The token weighs nothing in the rank (weight 0 in ``bm25``; ``ts_rank`` is not asked for it),
and a visitor's words never match it (:data:`FTS5_WORD_COLUMNS`, :data:`WORD_WEIGHTS`).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import (
    BigInteger,
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
    Column("entry_id", BigInteger),  # PostgreSQL's copy of the FTS5 rowid (search_entry_id)
)
# FTS5 columns: doc_key, tenant_id, locale, kind, title, body, scope. Titles weigh ten times.
FTS5_RANK = "bm25(index_search, 0.0, 0.0, 0.0, 0.0, 10.0, 1.0, 0.0)"
# What a visitor's words may match: never the scope token, which every entry holds (a word
# is a prefix query, so "s" would match them all) — the FTS5 columns before it, the
# ``tsvector`` weights of title (A) and body (D), not the scope's (C).
FTS5_WORD_COLUMNS = "{locale kind title body}"
WORD_WEIGHTS = "AD"
SCOPE_WEIGHT = "C"


def search_entry_id(key: str) -> int:
    """A stable 63-bit id of a search entry (its FTS5 rowid; ``entry_id`` on PostgreSQL)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") & (2**63 - 1)


def scope_token(tenant_id: uuid.UUID | str, locale: str) -> str:
    """One word naming a tenant's locale: letters and digits only, so both engines keep it
    whole (``s`` + the tenant's 32 hex digits + the locale without hyphens)."""
    tenant = tenant_id.hex if isinstance(tenant_id, uuid.UUID) else uuid.UUID(tenant_id).hex
    return f"s{tenant}{locale.lower().replace('-', 'x')}"


class SearchEngine:
    """Match condition and rank (lower is better); the query's values are bind parameters
    (``search_query``, and ``search_scope`` on PostgreSQL) given by :meth:`params`."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect

    def match(self) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
        if self.dialect == "postgresql":
            simple: Any = literal_column("'simple'::regconfig")
            words = func.to_tsquery(simple, bindparam("search_query", type_=String))
            scope = func.to_tsquery(simple, bindparam("search_scope", type_=String))
            condition = SEARCH.c.search_vector.op("@@")(words.op("&&")(scope))
            return condition, -func.ts_rank(SEARCH.c.search_vector, words)
        match: ColumnElement[Any] = text("index_search MATCH :search_query")  # type: ignore[assignment]
        return match, literal_column(FTS5_RANK)

    def entry_id(self, table: Any) -> ColumnElement[Any]:
        """The entry's 63-bit id (:func:`search_entry_id` of its key) in ``table`` (the
        search table or an alias of it): the rank's tie-break on both engines, and how the
        ranked ids find their entries again. On SQLite it is the FTS5 rowid, read without
        touching the entry's stored columns."""
        if self.dialect == "postgresql":
            return table.c.entry_id  # type: ignore[no-any-return]
        return literal_column(f"{table.name}.rowid")

    def params(self, words: list[str], tenant_id: uuid.UUID, locale: str) -> dict[str, Any]:
        scope = scope_token(tenant_id, locale)
        if self.dialect == "postgresql":
            weighted = tsquery(words).replace(":*", f":*{WORD_WEIGHTS}")
            return {"search_query": weighted, "search_scope": scope}
        return {"search_query": f"scope:{scope} AND ({FTS5_WORD_COLUMNS} : ({fts5_query(words)}))"}
