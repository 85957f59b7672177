"""Shared pieces of the commerce GraphQL schema: the runtime, the caller, arguments, loaders.

Inputs that mirror a REST body become that body's msgspec struct through ``rustok.web.inputs``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import strawberry
from litestar import Request
from strawberry.dataloader import DataLoader

from rustok.core.errors import Unauthenticated, ValidationFailed
from rustok.modules.commerce.carts.service import CartAccess
from rustok.modules.commerce.commerce_runtime import CommerceRuntime, commerce_runtime
from rustok.rbac.principal import Principal
from rustok.web.graphql import RustokInfo
from rustok.web.principals import graphql_principal

K = TypeVar("K")
V = TypeVar("V")


@strawberry.input
class AddressInput:
    """A postal address (``fields.Address``): checkout and stock locations."""

    first_name: str
    last_name: str
    address1: str
    city: str
    postal_code: str
    country_code: str
    company: str | None = None
    address2: str | None = None
    province: str | None = None
    phone: str | None = None


def _request(info: RustokInfo) -> Request[Any, Any, Any]:
    request = info.context.request
    if request is None:
        raise RuntimeError("GraphQL resolver without an HTTP request")
    return request


def runtime(info: RustokInfo) -> CommerceRuntime:
    return commerce_runtime(info.context.platform)


def principal(info: RustokInfo) -> Principal:
    found = graphql_principal(info)
    if found is None:
        raise Unauthenticated("sign in first")
    return found


def cart_access(info: RustokInfo, token: str | None) -> CartAccess:
    """The cart token from the argument or the ``X-Cart-Token`` header, and the customer."""
    header = _request(info).headers.get("x-cart-token")
    found = graphql_principal(info)
    return CartAccess(token=token or header, customer_id=found.user_id if found else None)


def search_term(value: str | None, field: str = "q") -> str | None:
    """A free-text argument: at most 100 characters, no NUL (which PostgreSQL refuses)."""
    if value is not None and (len(value) > 100 or "\x00" in value):
        raise ValidationFailed(errors={field: ["at most 100 characters, no NUL"]})
    return value


def choice(value: str | None, allowed: Sequence[str], field: str) -> str | None:
    if value is not None and value not in allowed:
        raise ValidationFailed(errors={field: [f"one of {', '.join(allowed)}"]})
    return value


def loader(
    info: RustokInfo,
    name: str,
    batch: Callable[[Sequence[K]], Awaitable[dict[K, V]]],
    default: Callable[[], V],
) -> DataLoader[K, V]:
    """The request's DataLoader ``name`` (one per request, in ``info.context.loaders``)."""
    found = info.context.loaders.get(name)
    if found is None:

        async def load(keys: list[K]) -> list[V]:
            values = await batch(keys)
            return [values.get(key, default()) for key in keys]

        found = DataLoader(load_fn=load)
        info.context.loaders[name] = found
    assert isinstance(found, DataLoader)
    return found
