"""Bodies of ``/api/admin/api-keys`` (API.md, Integrations)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import msgspec

from rustok.auth.api_keys.models import ApiKey
from rustok.core.errors import ValidationFailed
from rustok.core.validation import struct_errors

KeyName = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]*$")]
PermissionName = Annotated[
    str, msgspec.Meta(min_length=3, max_length=80, pattern=r"^[a-z_]+:[a-z]+$")
]
AwareDateTime = Annotated[dt.datetime, msgspec.Meta(tz=True)]


class ApiKeyCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: KeyName
    permissions: Annotated[list[PermissionName], msgspec.Meta(min_length=1, max_length=200)]
    expires_at: AwareDateTime | None = None


class ApiKeyRead(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    name: str
    prefix: str
    permissions: list[str]
    created_by: uuid.UUID
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    last_used_ip: str | None
    active: bool


class ApiKeyCreated(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to a creation: the only time ``key`` is ever shown."""

    id: uuid.UUID
    key: str
    name: str
    prefix: str
    permissions: list[str]
    created_by: uuid.UUID
    created_at: dt.datetime
    expires_at: dt.datetime | None


class ApiKeyPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ApiKeyRead]
    page: int
    per_page: int
    total: int


def to_api_key_read(row: ApiKey, now: dt.datetime) -> ApiKeyRead:
    return ApiKeyRead(
        id=row.id, name=row.name, prefix=row.prefix, permissions=list(row.permissions),
        created_by=row.created_by, created_at=row.created_at, expires_at=row.expires_at,
        revoked_at=row.revoked_at, last_used_at=row.last_used_at, last_used_ip=row.last_used_ip,
        active=row.revoked_at is None and (row.expires_at is None or row.expires_at > now),
    )  # fmt: skip


def parse_api_key_create(data: dict[str, Any]) -> ApiKeyCreate:
    """A creation request from GraphQL or the CLI, with the REST body's validation."""
    try:
        return msgspec.convert(data, ApiKeyCreate)
    except msgspec.ValidationError as exc:
        errors = struct_errors(ApiKeyCreate, data) or {"input": [str(exc)]}
        raise ValidationFailed(str(exc), errors=errors) from exc
