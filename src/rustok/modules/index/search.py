"""Full-text search over the read models (IX-2): one contract, two engines.

SQLite uses an FTS5 table, PostgreSQL a ``tsvector`` with a GIN index; both are created by
the migrations (``index_search``, outside the ORM metadata). Both see the same normalised
words (``text.py``) and rank title matches far above body matches, so a fixed corpus gives
the same order on both — the tests check it.

Every entry carries its tenant and locale in the full-text index itself, so a search finds
one tenant's locale through the index instead of matching every tenant's documents and
filtering afterwards:

- PostgreSQL: one *scope* lexeme (:func:`scope_token`, weight C) in the ``tsvector``, asked
  for with the words (``words && scope``); ``ts_rank`` reads one document only and is not
  asked for the scope (:data:`WORD_WEIGHTS`).
- SQLite: each word of an entry is indexed as its *scoped word* (:func:`word_prefix` + the
  word: ``s<tenant><locale>_red``), and a query asks for the scoped words only. The match
  then reads this tenant's locale's entries alone, and so does ``bm25``'s count of the
  entries holding each word (the entry count and average length stay the whole table's),
  where a separate scope phrase made every search count every tenant's entries of each word
  and all of its own entries (the ranking statement for "red", 1,346 matches in a
  10,000-product shop among 1,000 others: 3.5 → 1.7 ms CPU, median). ``_`` joins the two:
  a token character of this table's tokenizer that normalised text never holds, so no
  written word can pass for another scope's. The ``scope`` column (the token alone) stays
  for the entries' lengths, which ``bm25`` weighs; its weight is 0.

A visitor's words never match a scope token. On SQLite every query word is a scoped word,
and the scope column's token (letters and digits, no ``_``) never begins with one, so the
query names no columns: a column filter made FTS5 copy each match's positions (the ranking
statement for "red", 1,346 matches: ~4 % of its CPU). On PostgreSQL the words ask for the
title's and the body's weights only (:data:`WORD_WEIGHTS`).
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
from sqlalchemy.types import UserDefinedType

from rustok.modules.index.text import fts5_query, tsquery


class TSVector(UserDefinedType[Any]):
    """PostgreSQL's ``tsvector`` (matched with ``@@``, never read back): a type of its own,
    so that a server on SQLite does not import the PostgreSQL dialect for its one type."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "TSVECTOR"


SEARCH: Any = Table(
    "index_search",
    MetaData(),  # not the app's metadata: the migration owns this table, per dialect
    Column("doc_key", String, primary_key=True),
    Column("tenant_id", String),
    Column("locale", String),
    Column("kind", String),
    Column("search_vector", TSVector()),
    Column("entry_id", BigInteger),  # PostgreSQL's copy of the FTS5 rowid (search_entry_id)
)
# FTS5 columns: doc_key, tenant_id, locale, kind, title, body, scope. Titles weigh ten times.
FTS5_RANK = "bm25(index_search, 0.0, 0.0, 0.0, 0.0, 10.0, 1.0, 0.0)"
# Joins an FTS5 entry's scope token and each of its words (see the module's docstring).
WORD_SEPARATOR = "_"
# What a visitor's words may match: never the scope token, which every entry holds (a word
# is a prefix query, so "s" would match them all) — the ``tsvector`` weights of title (A)
# and body (D), not the scope's (C). FTS5 needs no such filter (see the module docstring).
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


def word_prefix(tenant_id: uuid.UUID | str, locale: str) -> str:
    """What each word of a tenant's locale's FTS5 entries starts with."""
    return scope_token(tenant_id, locale) + WORD_SEPARATOR


def scoped_words(prefix: str, normalised: str) -> str:
    """Normalised text (``text.normalise``: words and single spaces) with every word
    scoped; the migration ``20261206_0018`` does the same in SQL."""
    return " ".join(prefix + word for word in normalised.split())


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
        if self.dialect == "postgresql":
            weighted = tsquery(words).replace(":*", f":*{WORD_WEIGHTS}")
            return {"search_query": weighted, "search_scope": scope_token(tenant_id, locale)}
        prefix = word_prefix(tenant_id, locale)
        scoped = fts5_query([prefix + word for word in words])
        return {"search_query": scoped}
