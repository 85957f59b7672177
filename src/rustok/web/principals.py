"""The signed-in caller of a request, as the app-wide guard (``auth/guard.py``) left it.

The guard authenticates a bearer token and keeps the principal in the connection state;
routes, dependencies, GraphQL resolvers and DataLoaders read it from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.connection import ASGIConnection

from rustok.core.errors import Unauthenticated
from rustok.rbac.principal import Principal

if TYPE_CHECKING:  # GraphQL's types are imported when the schema is built, not at start
    from strawberry.types import Info

PRINCIPAL_KEY = "principal"


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    principal = connection.state.get(PRINCIPAL_KEY)
    return principal if isinstance(principal, Principal) else None


def require_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = principal_of(connection)
    if principal is None:
        raise Unauthenticated("this route needs a bearer token")
    return principal


def graphql_principal(info: Info[Any, Any]) -> Principal | None:
    request = getattr(info.context, "request", None)
    return principal_of(request) if request is not None else None
