"""Statements built once at import bind tenant ids with a type, whatever the import order.

``tenant_id`` is a foreign key column: SQLAlchemy types it from ``tenants.id`` once that table
is known. A bind made from it before then kept no type, and sqlite3 refused the raw UUIDs
("type 'UUID' is not supported"): a ``rustok worker`` that imported the mail sender first
never sent a mail. Each module is imported first thing in a fresh interpreter here.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

CASES = {
    "rustok.mail.overrides": ["_OVERRIDES_OF.whereclause.clauses[0].right"],
    "rustok.modules.commerce.orders.numbering": [
        "_ASSIGN.whereclause.clauses[1].right",
        "_COUNTER.element.whereclause.clauses[0].right",
    ],
}


@pytest.mark.parametrize("module", sorted(CASES))
def test_tenant_binds_are_typed_when_imported_first(module: str) -> None:
    code = (
        "from sqlalchemy.types import NullType\n"
        f"import {module} as m\n"
        f"binds = [{', '.join('m.' + path for path in CASES[module])}]\n"
        "assert all(b.key.startswith(('tenants', 'counter_tenant')) for b in binds), binds\n"
        "untyped = [b.key for b in binds if isinstance(b.type, NullType)]\n"
        "assert not untyped, untyped\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
