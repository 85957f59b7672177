"""Shared helpers for the auth tests: users with roles, signing in, bearer headers."""

from __future__ import annotations

import httpx

from rustok.core.context import RequestContext, use_context
from rustok.core.platform import Platform
from rustok.tenancy.service import TenantService, tenant_ref

PASSWORD = "correct horse battery staple"


async def make_user(
    platform: Platform, email: str, role: str, tenant_slug: str = "default"
) -> None:
    from rustok.auth.users import create_user

    tenant = await TenantService(platform).get_by_slug(tenant_slug)
    with use_context(RequestContext(tenant=tenant_ref(tenant))):
        async with platform.uow() as uow:
            await create_user(uow, email=email, password=PASSWORD, role=role)
            await uow.commit()


async def sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, tenant: str | None = None
) -> dict[str, str]:
    headers = {"X-Tenant-ID": tenant} if tenant else {}
    response = await client.post(
        "/api/auth/login", json={"email": email, "password": password}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def bearer(tokens: dict[str, str], tenant: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    if tenant:
        headers["X-Tenant-ID"] = tenant
    return headers
