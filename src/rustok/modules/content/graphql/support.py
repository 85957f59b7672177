"""What content-family resolvers share: the caller's access, the locale chain, and
GraphQL inputs turned into the REST bodies' msgspec structs (same limits, same errors)."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import msgspec
import strawberry

from rustok.core.errors import ValidationFailed
from rustok.core.validation import struct_errors
from rustok.modules.content.access import ContentAccess
from rustok.modules.content.locales import read_chain
from rustok.web.graphql import RustokInfo
from rustok.web.principals import graphql_principal

S = TypeVar("S", bound=msgspec.Struct)


def access_of(info: RustokInfo, via: str | None = None) -> ContentAccess:
    return ContentAccess(graphql_principal(info), via)


def chain_of(info: RustokInfo, locale: str | None) -> list[str]:
    tenant = info.context.request_context.tenant
    if tenant is None:
        raise RuntimeError("no tenant in the request context")
    request = info.context.request
    accept = request.headers.get("accept-language") if request is not None else None
    return read_chain(tenant, locale, accept)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not strawberry.UNSET
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_struct(cls: type[S], value: Any) -> S:
    """The msgspec struct for a GraphQL input (unset fields left out), or 400-style errors."""
    data = _plain(value)
    try:
        return msgspec.convert(data, cls)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(errors=struct_errors(cls, data) or {"input": [str(exc)]}) from exc
