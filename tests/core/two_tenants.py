"""Two tenants with users of their own: the default one (two users) and ``other`` (one)."""

from __future__ import annotations

from rustok.auth.models import User
from rustok.core.context import RequestContext, TenantRef, use_context
from rustok.core.platform import Platform
from rustok.tenancy.models import DEFAULT_TENANT_ID
from rustok.tenancy.schemas import TenantCreate
from rustok.tenancy.service import TenantService, tenant_ref


async def two_tenants(platform: Platform) -> tuple[TenantRef, TenantRef]:
    service = TenantService(platform)
    a = tenant_ref(await service.get(DEFAULT_TENANT_ID))
    b = tenant_ref(await service.create(TenantCreate(slug="other", name="Other")))
    for tenant, emails in ((a, ["a1@example.com", "a2@example.com"]), (b, ["b@example.com"])):
        with use_context(RequestContext(tenant=tenant)):
            async with platform.uow() as uow:
                uow.session.add_all(User(email=e, password_hash="x", meta={}) for e in emails)
                await uow.commit()
    return a, b
