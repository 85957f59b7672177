"""``rustok user create``."""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from rustok.cli.common import cli_settings, open_platform, out_console, run
from rustok.rbac.catalogue import SYSTEM_ROLES

user_app = typer.Typer(help="Manage users.", no_args_is_help=True)


@user_app.command("create")
def create(
    tenant: Annotated[str, typer.Option(help="Slug of the tenant the user belongs to.")],
    email: Annotated[str, typer.Option(help="Sign-in email.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Password.")
    ],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(SYSTEM_ROLES)}.")] = "customer",
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
) -> None:
    """Create a user in a tenant with one of the system roles."""
    settings = cli_settings()

    async def work() -> uuid.UUID:
        async with open_platform(settings) as platform:
            return await create_user_in(platform, tenant, email, password, role, name)

    user_id = run(work)
    out_console.print(f"created user {email.strip().lower()} ({user_id}) as {role} in {tenant}")


async def create_user_in(
    platform: object, tenant_slug: str, email: str, password: str, role: str, name: str | None
) -> uuid.UUID:
    from rustok.auth.users import create_user
    from rustok.core.context import RequestContext, use_context
    from rustok.core.platform import Platform
    from rustok.tenancy.service import TenantService, tenant_ref

    assert isinstance(platform, Platform)
    tenant = await TenantService(platform).get_by_slug(tenant_slug)
    with use_context(RequestContext(tenant=tenant_ref(tenant))):
        async with platform.uow() as uow:
            user = await create_user(uow, email=email, password=password, role=role, name=name)
            await uow.commit()
            return user.id
