"""The database: engines, sessions, the declarative base and structural tenant scoping (T-1).

Everything is imported from here (``from rustok.core.db import Base, Database``); each job
lives in a file of its own:

- ``base.py``: the declarative base, its column types (UTC datetimes, JSON) and mixins;
- ``tenant_scope.py``: :class:`TenantScoped` and the session that filters and stamps it;
- ``engines.py``: the SQLAlchemy engines (SQLite pragmas and writers, PostgreSQL timeouts);
- ``database.py``: :class:`Database`, owning the engines and handing out sessions;
- ``outages.py``: refused or lost connections and timeouts as ``DatabaseUnavailable`` (503);
- ``paging.py``: :func:`fetch_page`, a page of a statement's rows and their count;
- ``scoped_rows.py``: compiled tenant-scoped reads run on a session's connection (hot paths).
"""

from __future__ import annotations

from rustok.core.db.base import Base, HasId, Timestamped, UTCDateTime, utcnow
from rustok.core.db.database import Database
from rustok.core.db.engines import RollbackOnClose
from rustok.core.db.paging import fetch_page
from rustok.core.db.tenant_scope import TenantContextMissing, TenantScoped, tenant_scoped_models

__all__ = [
    "Base",
    "Database",
    "HasId",
    "RollbackOnClose",
    "TenantContextMissing",
    "TenantScoped",
    "Timestamped",
    "UTCDateTime",
    "fetch_page",
    "tenant_scoped_models",
    "utcnow",
]
