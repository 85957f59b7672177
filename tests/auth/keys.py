"""Helpers for the API key tests: creating keys over REST and sending them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.auth.helpers import bearer


async def create_key(
    client: httpx.AsyncClient, tokens: dict[str, Any], permissions: list[str], *,
    name: str = "integration", tenant: str | None = None, expires_at: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    body: dict[str, Any] = {"name": name, "permissions": permissions}
    if expires_at is not None:
        body["expires_at"] = expires_at
    response = await client.post("/api/admin/api-keys", json=body, headers=bearer(tokens, tenant))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def with_key(key: str, *, style: str = "x-api-key", tenant: str | None = None) -> dict[str, str]:
    headers = {"X-Api-Key": key} if style == "x-api-key" else {"Authorization": f"Bearer {key}"}
    if tenant is not None:
        headers["X-Tenant-ID"] = tenant
    return headers
