"""The GraphQL request context shared by every module's resolvers, and GraphQL ids."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

import strawberry
from strawberry.litestar import BaseContext
from strawberry.types import Info

from rustok.core.context import RequestContext
from rustok.core.errors import ValidationFailed
from rustok.core.ids import parse_id as parse_any_id
from rustok.core.platform import Platform

T = TypeVar("T")


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


def parse_id(value: strawberry.ID | str, field: str = "id") -> uuid.UUID:
    """A GraphQL ``ID`` argument (UUID or ULID text, ID-1) as a UUID, or a validation error
    naming ``field``."""
    try:
        return parse_any_id(str(value))
    except ValueError:
        raise ValidationFailed(errors={field: ["must be a UUID or a ULID"]}) from None


def no_store(info: RustokInfo) -> None:
    """The answer carries a secret (a token, a key): no browser or proxy may keep it."""
    response = info.context.response
    if response is not None:
        response.headers["Cache-Control"] = "no-store"
