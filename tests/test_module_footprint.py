"""A module added through the registry alone (the tests' probe module: no line anywhere else)
is covered where a built-in one is: its routes carry its slug, the REST↔GraphQL parity check
finds each of them, and its README's tables come from its spec. No shared table or document
names it, so a new built-in module touches its folder and its line in ``BUILTIN_MODULES``."""

from __future__ import annotations

from pathlib import Path

import pytest

from rustok.api.app import RustokApp
from rustok.api.route_catalogue import operations
from rustok.cli.docs import module_sections
from rustok.core.module import ModuleSpec
from rustok.core.registry import FoundModule
from tests.api.test_graphql_parity import parity_problems
from tests.probe_module import PROBE_MODULE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    return [PROBE_MODULE]


@pytest.mark.sql_free
async def test_a_module_is_checked_and_documented_from_its_spec_alone(app: RustokApp) -> None:
    ops = operations(app.litestar)
    probe = [op for op in ops if op.module == PROBE_MODULE.slug]
    assert {"POST /api/probe/items", "GET /api/probe/items/{item_id:uuid}"} <= {
        op.name for op in probe
    }
    assert all(op.path.startswith("/api/probe/") for op in probe)

    # The parity check meets each of its routes, though no table lists them.
    problems = parity_problems(probe, {})
    assert "POST /api/probe/items: neither graphql_twin= nor http_only= (a reason)" in problems
    assert len(problems) == len(probe)

    # Its README's generated sections, from the spec and the routes.
    found = FoundModule("tests.probe_module:PROBE_MODULE", PROBE_MODULE, "tests")
    routes, settings = module_sections(found, ops)
    assert "| POST | `/api/probe/items` | `public` |  |\n" in routes.body
    assert routes.body.count("\n") == len(probe) + 2  # the header, its rule, one row each
    assert settings.body == "The module has no settings.\n"
    for shared in (ROOT / "docs" / "routes.md", ROOT / "README.md"):
        assert "/api/probe" not in shared.read_text()
