"""GraphQL inputs as REST bodies: a mutation's input becomes the msgspec struct its REST twin
decodes, so both transports enforce the same limits and rules.

    data = convert(input_dict(input), ProductCreate)    # create: left-out fields dropped
    data = convert(patch_dict(input), ProductUpdate)    # patch: explicit nulls kept
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

import msgspec
from strawberry import UNSET

from rustok.core.errors import ValidationFailed
from rustok.core.id_text import with_uuid_ids

T = TypeVar("T")


def convert(data: Any, kind: type[T]) -> T:
    """A GraphQL input (or JSON) as the REST body struct, validated the same way."""
    try:
        return msgspec.convert(with_uuid_ids(data, kind), kind)
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
