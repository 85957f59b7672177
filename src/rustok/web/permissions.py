"""Permission classes for GraphQL fields: the same declarations as REST routes (A-5, T-6).

Every field declares :class:`Public` or ``requires("resource:action")`` (a test walks the
schema); fields of a module also carry ``module_enabled(slug)``.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from rustok.audit.log import record_now
from rustok.core.context import DEFAULT_TENANT_ID
from rustok.core.errors import NotFound, PermissionDenied, Unauthenticated
from rustok.rbac.declare import AUTHENTICATED, check_syntax
from rustok.web.graphql import GraphQLContext
from rustok.web.principals import graphql_principal


class Public(BasePermission):
    """Explicitly open field (the schema walk test wants a declaration on every field)."""

    message = "public"
    required = "public"

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        return True


def requires(permission: str) -> type[BasePermission]:
    """A permission class for a GraphQL field, with the same strings as REST routes."""
    check_syntax(permission)

    class Requires(BasePermission):
        required = permission

        async def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
            principal = graphql_principal(info)
            if principal is None:
                raise Unauthenticated("sign in first: this field needs a bearer token")
            if permission != AUTHENTICATED and not principal.can(permission):
                db = info.context.platform.db
                await record_now(db, "authz.denied", permission=permission, path="graphql")
                raise PermissionDenied(f"missing permission {permission}")
            return True

    Requires.__name__ = f"Requires[{permission}]"
    return Requires


def module_enabled(slug: str) -> type[BasePermission]:
    """A permission class refusing a module's fields for tenants that disabled it (T-6),
    as its REST routes answer 404 for them."""

    class ModuleEnabled(BasePermission):
        module = slug

        def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
            context = info.context
            tenant = context.request_context.tenant if isinstance(context, GraphQLContext) else None
            if tenant is not None and slug not in tenant.enabled_modules:
                raise NotFound(f"module {slug} is not enabled for this tenant")
            return True

    ModuleEnabled.__name__ = f"ModuleEnabled[{slug}]"
    return ModuleEnabled


class DefaultTenantOnly(BasePermission):
    """Platform administration spans tenants: only in the default tenant, as the REST
    routes' ``web.guards.default_tenant_only`` (with a permission only super admins hold)."""

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        context = info.context
        tenant = context.request_context.tenant_id if isinstance(context, GraphQLContext) else None
        if tenant != DEFAULT_TENANT_ID:
            raise PermissionDenied("platform administration happens in the default tenant")
        return True
