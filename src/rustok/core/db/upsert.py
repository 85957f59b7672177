"""The dialect's ``INSERT`` with ``ON CONFLICT`` (SQLite and PostgreSQL share the syntax).

Imported per dialect when first used: a server on SQLite never imports the PostgreSQL
dialect (some 20 ms of each worker's start), nor one on PostgreSQL SQLite's.
"""

from __future__ import annotations

from typing import Any


def upsert_for(dialect: str) -> Any:
    """``insert`` of ``sqlalchemy.dialects.postgresql`` or of ``…sqlite``, by dialect name."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert
