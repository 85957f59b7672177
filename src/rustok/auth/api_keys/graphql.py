"""GraphQL: ``apiKeys``, ``apiKey``, ``createApiKey`` and ``revokeApiKey`` (K-3), through the
same service and permissions as ``/api/admin/api-keys``."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry

from rustok.auth.api_keys.schemas import ApiKeyRead, parse_api_key_create
from rustok.auth.auth_runtime import AuthRuntime
from rustok.core.errors import Unauthenticated, ValidationFailed
from rustok.rbac.principal import Principal
from rustok.web.graphql import RustokInfo, parse_id
from rustok.web.permissions import requires
from rustok.web.principals import graphql_principal

MAX_PAGE = 100


@strawberry.type(name="ApiKey")
class ApiKeyType:
    id: strawberry.ID
    name: str
    prefix: str
    permissions: list[str]
    created_by: strawberry.ID
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    last_used_ip: str | None
    active: bool

    @classmethod
    def from_read(cls, read: ApiKeyRead) -> ApiKeyType:
        return cls(
            id=strawberry.ID(str(read.id)), name=read.name, prefix=read.prefix,
            permissions=read.permissions, created_by=strawberry.ID(str(read.created_by)),
            created_at=read.created_at, expires_at=read.expires_at, revoked_at=read.revoked_at,
            last_used_at=read.last_used_at, last_used_ip=read.last_used_ip, active=read.active,
        )  # fmt: skip


@strawberry.type
class ApiKeyPayload:
    """A created key: ``key`` appears here and nowhere else, ever."""

    key: str
    api_key: ApiKeyType


@strawberry.input
class CreateApiKeyInput:
    name: str
    permissions: list[str]
    expires_at: dt.datetime | None = None


def _keys(info: RustokInfo) -> AuthRuntime:
    return info.context.runtime(AuthRuntime)


def _principal(info: RustokInfo) -> Principal:
    principal = graphql_principal(info)
    if principal is None:
        raise Unauthenticated("sign in first")
    return principal


def _id(value: strawberry.ID) -> uuid.UUID:
    return parse_id(value)


def _no_store(info: RustokInfo) -> None:
    response = info.context.response
    if response is not None:
        response.headers["Cache-Control"] = "no-store"


@strawberry.type
class ApiKeyQuery:
    @strawberry.field(permission_classes=[requires("api_keys:list")])
    async def api_keys(
        self, info: RustokInfo, page: int = 1, per_page: int = 20
    ) -> list[ApiKeyType]:
        """The tenant's API keys, newest first."""
        if not 1 <= per_page <= MAX_PAGE or page < 1:
            raise ValidationFailed(errors={"per_page": [f"must be between 1 and {MAX_PAGE}"]})
        listed = await _keys(info).api_keys.list(page=page, per_page=per_page)
        return [ApiKeyType.from_read(item) for item in listed.items]

    @strawberry.field(permission_classes=[requires("api_keys:read")])
    async def api_key(self, info: RustokInfo, id: strawberry.ID) -> ApiKeyType:
        return ApiKeyType.from_read(await _keys(info).api_keys.get(_id(id)))


@strawberry.type
class ApiKeyMutation:
    @strawberry.mutation(permission_classes=[requires("api_keys:create")])
    async def create_api_key(self, info: RustokInfo, input: CreateApiKeyInput) -> ApiKeyPayload:
        """A key with permissions no wider than yours (same rules as REST)."""
        _no_store(info)
        data = parse_api_key_create(
            {"name": input.name, "permissions": input.permissions, "expires_at": input.expires_at}
        )
        auth = _keys(info)
        created = await auth.api_keys.create(_principal(info), data)
        return ApiKeyPayload(
            key=created.key, api_key=ApiKeyType.from_read(await auth.api_keys.get(created.id))
        )

    @strawberry.mutation(permission_classes=[requires("api_keys:delete")])
    async def revoke_api_key(self, info: RustokInfo, id: strawberry.ID) -> ApiKeyType:
        """Revoke a key: refused on every instance within a second."""
        return ApiKeyType.from_read(await _keys(info).api_keys.revoke(_principal(info), _id(id)))
