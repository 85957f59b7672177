"""Is the database at the migration head? Answered without importing the platform.

``rustok serve`` asks before it starts Granian: when the answer is yes, the server's main
process skips the migration step and never imports SQLAlchemy, Alembic or the app — it
only supervises the workers, which import the app themselves (a smaller main process, and
nothing imported twice). Any doubt (an unreadable file, a driver error, a history this
parser does not understand) answers None, and ``serve`` takes the full path.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import rustok

VERSIONS = Path(rustok.__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"', re.M)
_DOWN = re.compile(r'^down_revision(?:: str \| None)? = "([^"]+)"', re.M)
QUERY = "SELECT version_num FROM alembic_version"


def head_revision(versions: Path = VERSIONS) -> str | None:
    """The one revision no other revision follows (None: not exactly one)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in versions.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if (revision := _REVISION.search(text)) is None:
            return None
        revisions.add(revision.group(1))
        if (down := _DOWN.search(text)) is not None:
            followed.add(down.group(1))
    heads = revisions - followed
    return next(iter(heads)) if len(heads) == 1 else None


def _sqlite_revision(database_url: str) -> str | None:
    path = database_url.split(":///", 1)[1].split("?", 1)[0]
    if not path or not Path(path).is_file():
        return None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as conn:
        row = conn.execute(QUERY).fetchone()
    return str(row[0]) if row else None


async def _postgres_revision(database_url: str) -> str | None:
    import asyncpg

    dsn = "postgresql://" + database_url.split("://", 1)[1]
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        value = await conn.fetchval(QUERY)
    finally:
        await conn.close()
    return None if value is None else str(value)


def schema_is_current(database_url: str) -> bool | None:
    """True at the head, False behind it, None when that cannot be told cheaply."""
    head = head_revision()
    if head is None:
        return None
    try:
        if database_url.startswith("sqlite"):
            current = _sqlite_revision(database_url)
        else:
            current = asyncio.run(_postgres_revision(database_url))
    except (OSError, sqlite3.Error, ImportError):
        return None
    except Exception:  # noqa: BLE001 - asyncpg's errors: any doubt takes the full path
        return None
    return current == head
