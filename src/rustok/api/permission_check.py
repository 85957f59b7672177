"""Start-up check: every permission a route or a GraphQL field asks for is in the catalogue
of the available modules (``rustok.rbac.catalogue``), or nobody could ever hold it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from litestar import Litestar
from litestar.routes import BaseRoute

from rustok.core.platform import Platform
from rustok.rbac.catalogue import build_catalogue
from rustok.rbac.declare import PERMISSION_OPT, undeclared

if TYPE_CHECKING:  # the schema's fields are checked when it is built (``graphql_lazy``)
    import strawberry


def route_permissions(app: Litestar) -> list[str]:
    """The permissions the app's routes declare."""
    return permissions_of(app.routes)


def permissions_of(routes: Iterable[BaseRoute]) -> list[str]:
    """The permissions ``routes`` declare."""
    return [
        handler.opt[PERMISSION_OPT]
        for route in routes
        for handler in getattr(route, "route_handlers", [])
        if PERMISSION_OPT in handler.opt
    ]


def schema_permissions(schema: strawberry.Schema) -> list[str]:
    """The permissions the schema's fields ask for (``rustok.auth.guard.requires``)."""
    found = []
    for definition in schema.schema_converter.type_map.values():
        for field in getattr(definition.definition, "fields", []):
            for permission_class in getattr(field, "permission_classes", None) or []:
                required = getattr(permission_class, "required", None)
                if isinstance(required, str) and ":" in required:
                    found.append(required)
    return found


def refuse_undeclared(permissions: Iterable[str], platform: Platform) -> None:
    missing = undeclared(permissions, build_catalogue(platform.modules.available))
    if missing:
        raise ValueError(
            f"permissions no module declares: {', '.join(missing)} (add the resource to the "
            "module's ModuleSpec.resources)"
        )
