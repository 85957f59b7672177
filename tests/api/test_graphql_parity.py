"""REST ↔ GraphQL parity (API-2): every REST operation has a GraphQL root field with the
same permission, or a reason in ``graphql_parity_table``; the coverage figures are printed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import strawberry
from litestar.handlers import HTTPRouteHandler

from rustok.api.app import RustokApp
from rustok.api.graphql import build_schema
from rustok.rbac.declare import PERMISSION_OPT, PUBLIC_OPT
from rustok.web.guards import default_tenant_only
from rustok.web.permissions import DefaultTenantOnly
from tests.api.graphql_parity_table import COUNTERPARTS, HTTP_ONLY, OPEN, READS_OVER_POST

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Field:
    root: str  # Query or Mutation
    permissions: frozenset[str]  # "public", "authenticated" or "resource:action"
    default_tenant_only: bool


ADMIN_UI = "/admin"


def rest_operations(app: RustokApp) -> dict[str, str]:
    """``"METHOD /path"`` → the permission it needs, as ``rustok routes`` lists them."""
    found = {}
    for route in app.litestar.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            needed = (
                "public" if handler.opt.get(PUBLIC_OPT) else str(handler.opt.get(PERMISSION_OPT))
            )
            if route.path == ADMIN_UI or route.path.startswith(f"{ADMIN_UI}/"):
                continue  # HTML screens: a client of the same services, not an API
            for method in handler.http_methods - {"HEAD", "OPTIONS"}:
                found[f"{method} {route.path}"] = needed
    return found


def platform_admin_operations(app: RustokApp) -> set[str]:
    """Operations guarded by ``default_tenant_only`` (platform administration)."""
    found = set()
    for route in app.litestar.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            guards = [g for layer in handler.ownership_layers for g in layer.guards or []]
            if default_tenant_only in guards:
                found |= {f"{m} {route.path}" for m in handler.http_methods}
    return found


def graphql_fields(schema: strawberry.Schema) -> dict[str, Field]:
    """Every ``Query`` and ``Mutation`` root field with the permissions it declares."""
    found = {}
    for root in ("Query", "Mutation"):
        definition = schema.get_type_by_name(root)
        assert isinstance(definition, strawberry.types.base.StrawberryObjectDefinition)
        for field in definition.fields:
            name = schema.config.name_converter.get_graphql_name(field)
            declared = {getattr(p, "required", None) for p in field.permission_classes or []} - {
                None
            }
            admin_only = DefaultTenantOnly in (field.permission_classes or [])
            found[name] = Field(root, frozenset(str(p) for p in declared), admin_only)
    return found


def coverage(operations: dict[str, str]) -> dict[str, tuple[int, int]]:
    """(covered, total) of writes and reads, HTTP-only routes left out of the totals."""
    figures = {}
    for kind, is_write in (("writes", True), ("reads", False)):
        ops = [o for o in operations if o not in HTTP_ONLY and (o.split()[0] in WRITES) is is_write]
        figures[kind] = (sum(o in COUNTERPARTS for o in ops), len(ops))
    return figures


@pytest.mark.sql_free
async def test_every_rest_operation_has_a_graphql_twin_or_a_reason(app: RustokApp) -> None:
    operations = rest_operations(app)
    fields = graphql_fields(build_schema(app.platform))
    tables = [set(COUNTERPARTS), set(HTTP_ONLY), set(OPEN)]
    assert not (tables[0] & tables[1] | tables[0] & tables[2] | tables[1] & tables[2])
    unclassified = sorted(set(operations) - set().union(*tables))
    assert not unclassified, f"REST operations missing from graphql_parity_table: {unclassified}"
    stale = sorted(set().union(*tables) - set(operations))
    assert not stale, f"graphql_parity_table names routes that do not exist: {stale}"
    problems = []
    platform_admin = platform_admin_operations(app)
    assert "GET /api/admin/tenants" in platform_admin  # the guard is found
    for operation, name in COUNTERPARTS.items():
        field = fields.get(name)
        if field is None:
            problems.append(f"{operation}: no GraphQL field {name}")
            continue
        is_write = operation.split()[0] in WRITES and operation not in READS_OVER_POST
        root = "Mutation" if is_write else "Query"
        if field.root != root:
            problems.append(f"{operation}: {name} is a {field.root} field, want {root}")
        if (operation in platform_admin) != field.default_tenant_only:
            problems.append(f"{operation}: default-tenant-only differs on {name}")
        if operations[operation] not in field.permissions:
            problems.append(
                f"{operation} needs {operations[operation]}, {name} declares "
                f"{sorted(field.permissions)}"
            )
    assert not problems, "\n".join(problems)
    undocumented = [o for o, reason in OPEN.items() if not reason.strip()]
    assert not undocumented, f"open REST operations without a reason: {undocumented}"
    writes = [o for o in OPEN if o.split()[0] in WRITES]
    assert not writes, f"REST writes without a GraphQL twin: {writes}"
    figures = coverage(operations)
    print(  # the figures the issue asks for (pytest -s shows them)
        "GraphQL parity: "
        + ", ".join(f"{kind} {c}/{t}" for kind, (c, t) in figures.items())
        + f", {len(HTTP_ONLY)} HTTP-only routes"
    )
