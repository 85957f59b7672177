"""Shared pieces of the commerce GraphQL schema: ids, money, inputs, loaders.

Inputs that mirror a REST body are converted to that body's msgspec struct, so both
transports enforce the same limits and rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import msgspec
import strawberry
from strawberry import UNSET
from strawberry.dataloader import DataLoader

from rustok.auth.graphql import PageInfo as PageInfo  # the platform's Relay page info
from rustok.auth.guard import graphql_principal
from rustok.core.cursors import offset_after
from rustok.core.cursors import offset_cursor as offset_cursor
from rustok.core.errors import Unauthenticated, ValidationFailed
from rustok.core.graphql import MINOR_UNITS_SCALAR as MINOR_UNITS_SCALAR
from rustok.core.graphql import MinorUnits as MinorUnits
from rustok.core.graphql import RustokInfo
from rustok.rbac.principal import Principal

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
MAX_PAGE = 100


def principal(info: RustokInfo) -> Principal:
    found = graphql_principal(info)
    if found is None:
        raise Unauthenticated("sign in first")
    return found


def parse_id(value: strawberry.ID, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed(errors={field: ["must be a UUID"]}) from None


def convert(data: Any, kind: type[T]) -> T:
    """A GraphQL input (or JSON) as the REST body struct, validated the same way."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(str(exc), errors={"input": [str(exc)]}) from None


def input_dict(value: object) -> dict[str, Any]:
    """A strawberry input object as a dict without unset (None or UNSET) fields."""
    return _as_dict(value, keep_none=False)


def patch_dict(value: object) -> dict[str, Any]:
    """A PATCH input as a dict: left-out fields (UNSET) are dropped, explicit nulls kept."""
    return _as_dict(value, keep_none=True)


def _as_dict(value: object, *, keep_none: bool) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, item in vars(value).items():
        if item is UNSET or (item is None and not keep_none):
            continue
        result[name] = _plain(item)
    return result


def _plain(item: Any) -> Any:
    if isinstance(item, list):
        return [_plain(i) for i in item]
    if isinstance(item, uuid.UUID):
        return str(item)
    if hasattr(item, "__dataclass_fields__"):  # a nested strawberry input
        return input_dict(item)
    return item


def search_term(value: str | None, field: str = "q") -> str | None:
    """A free-text argument: at most 100 characters, no NUL (which PostgreSQL refuses)."""
    if value is not None and (len(value) > 100 or "\x00" in value):
        raise ValidationFailed(errors={field: ["at most 100 characters, no NUL"]})
    return value


def choice(value: str | None, allowed: Sequence[str], field: str) -> str | None:
    if value is not None and value not in allowed:
        raise ValidationFailed(errors={field: [f"one of {', '.join(allowed)}"]})
    return value


cursor_offset = offset_after  # typed offset cursors (core.cursors), 400 INVALID_CURSOR


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE:
        raise ValidationFailed(errors={"first": [f"must be between 1 and {MAX_PAGE}"]})


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
