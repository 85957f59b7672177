"""Search text: the same normalisation for documents and queries on both engines.

Lower case, accents removed (NFKD), words of letters and digits. Each query word matches as a
prefix, all words must match: ``"red sho"`` finds "Red running shoes" on FTS5 and tsvector
alike.
"""

from __future__ import annotations

import re
import unicodedata

WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_WORDS = 8
MAX_WORD_LENGTH = 40


def normalise(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(WORD_RE.findall(stripped.lower()))


def query_words(query: str) -> list[str]:
    """The words of a user query (at most 8, each at most 40 characters); may be empty."""
    words = [w[:MAX_WORD_LENGTH] for w in normalise(query).split()]
    return words[:MAX_QUERY_WORDS]


def fts5_query(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word as a quoted prefix."""
    return " AND ".join(f'"{w}"*' for w in words)


def tsquery(words: list[str]) -> str:
    """A ``to_tsquery('simple', …)`` expression: every word as a prefix."""
    return " & ".join(f"{w}:*" for w in words)
