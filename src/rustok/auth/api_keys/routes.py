"""REST: ``/api/admin/api-keys`` (API.md, Integrations; permissions ``api_keys:*``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from rustok.auth.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPage, ApiKeyRead
from rustok.auth.auth_runtime import AuthRuntime
from rustok.rbac.principal import Principal

Auth = NamedDependency[AuthRuntime]
Caller = NamedDependency[Principal]
Page = Annotated[int, QueryParameter(ge=1, le=100_000)]
PerPage = Annotated[int, QueryParameter(ge=1, le=100)]


class ApiKeyController(Controller):
    path = "/api/admin/api-keys"
    tags = ["admin"]
    # A created key is in the answer: never kept by a browser or a proxy.
    cache_control = CacheControlHeader(no_store=True)

    @get("/", permission="api_keys:list", graphql_twin="apiKeys")
    async def list_keys(
        self, auth: Auth, page: FromQuery[Page] = 1, per_page: FromQuery[PerPage] = 20
    ) -> ApiKeyPage:
        """The tenant's API keys, newest first (revoked and expired ones too)."""
        return await auth.api_keys.list(page=page, per_page=per_page)

    @post("/", permission="api_keys:create", status_code=201, graphql_twin="createApiKey")
    async def create_key(
        self, auth: Auth, principal: Caller, data: JSONBody[ApiKeyCreate]
    ) -> ApiKeyCreated:
        """Create a key with permissions no wider than yours; ``key`` is shown only here."""
        return await auth.api_keys.create(principal, data)

    @get("/{key_id:uuid}", permission="api_keys:read", graphql_twin="apiKey")
    async def get_key(self, auth: Auth, key_id: FromPath[uuid.UUID]) -> ApiKeyRead:
        """One key (never the key itself)."""
        return await auth.api_keys.get(key_id)

    @delete(
        "/{key_id:uuid}",
        permission="api_keys:delete",
        status_code=HTTP_204_NO_CONTENT,
        graphql_twin="revokeApiKey",
    )
    async def revoke_key(self, auth: Auth, principal: Caller, key_id: FromPath[uuid.UUID]) -> None:
        """Revoke a key: refused (401) on every instance within a second."""
        await auth.api_keys.revoke(principal, key_id)
