"""The GraphQL request context shared by every module's resolvers."""

from __future__ import annotations

from typing import Any, NewType, TypeVar

import strawberry
from strawberry.litestar import BaseContext
from strawberry.permission import BasePermission
from strawberry.types import Info

from rustok.core.context import RequestContext
from rustok.core.errors import NotFound
from rustok.core.platform import Platform

T = TypeVar("T")

# Money in minor units can exceed GraphQL's 32-bit Int (21 million dollars in cents).
MinorUnits = NewType("MinorUnits", int)


def parse_minor_units(value: object) -> int:
    """Only a JSON integer is money: ``int()`` would turn 1.5 into 1 and "12" into 12."""
    if type(value) is not int:
        raise ValueError(f"MinorUnits takes an integer, not {value!r}")
    return value


# Always in the schema's scalar map (api/graphql.py): commerce and the storefront use it.
MINOR_UNITS_SCALAR = strawberry.scalar(
    name="MinorUnits",
    serialize=int,
    parse_value=parse_minor_units,
    description="An amount in integer minor units (cents) of its currency; up to 10^12.",
)


class GraphQLContext(BaseContext, kw_only=True):
    platform: Platform
    request_context: RequestContext
    # Long-lived parts of the running server (auth, tenancy, …), looked up by type.
    runtimes: dict[type, Any]
    # Per-request DataLoaders, created on first use.
    loaders: dict[str, Any]

    def runtime(self, kind: type[T]) -> T:
        found = self.runtimes.get(kind)
        if not isinstance(found, kind):
            raise LookupError(f"no {kind.__name__} in the GraphQL context")
        return found


RustokInfo = Info[GraphQLContext, None]


def module_enabled(slug: str) -> type[BasePermission]:
    """A permission class refusing a module's fields for tenants that disabled it (T-6),
    as its REST routes answer 404 for them."""

    class ModuleEnabled(BasePermission):
        def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
            context = info.context
            tenant = context.request_context.tenant if isinstance(context, GraphQLContext) else None
            if tenant is not None and slug not in tenant.enabled_modules:
                raise NotFound(f"module {slug} is not enabled for this tenant")
            return True

    ModuleEnabled.__name__ = f"ModuleEnabled[{slug}]"
    return ModuleEnabled
