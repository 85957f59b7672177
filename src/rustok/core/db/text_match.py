"""Case-insensitive substring matches that treat every letter alike on both databases.

SQLite's built-in ``lower()`` folds ASCII only, so an admin searching "ελληνικό" would not
find "Ελληνικό"; so does PostgreSQL's in a database created with the C locale. :func:`folded`
compiles to ``rustok_lower()`` on SQLite — Python's ``str.lower``, registered on every
connection — and on PostgreSQL 17 and later to ``lower()`` under the built-in ``pg_c_utf8``
collation, which folds every script whatever the database's locale (older servers: plain
``lower()``, which follows the database's locale). :func:`contains_text` escapes ``%``,
``_`` and ``\\`` so a search for "100%" or "a_b" matches those characters, not everything.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

SQLITE_LOWER = "rustok_lower"


class folded(FunctionElement[str]):
    """``lower(expression)`` with Unicode case folding on SQLite too."""

    type = String()
    inherit_cache = True
    name = "folded"


@compiles(folded)
def _folded_default(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_LOWER}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgres(element: folded, compiler: Any, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    if (compiler.dialect.server_version_info or (0,)) >= (17,):
        return f'lower(({inner}) COLLATE "pg_c_utf8")'
    return f"lower({inner})"


def sqlite_lower(value: object) -> object:
    """The SQLite function behind :func:`folded` (NULL and non-text pass through)."""
    return value.lower() if isinstance(value, str) else value


def contains_text(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text``, ignoring case in every script; wildcards are literal."""
    return folded(column).contains(text.lower(), autoescape=True)


__all__ = ["SQLITE_LOWER", "contains_text", "folded", "sqlite_lower"]
