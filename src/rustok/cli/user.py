"""``rustok user create``."""

from __future__ import annotations

import sys
import uuid
from typing import Annotated

import typer

from rustok.cli.common import cli_settings, fail, open_platform, out_console, run
from rustok.rbac.catalogue import SYSTEM_ROLES

user_app = typer.Typer(help="Manage users.", no_args_is_help=True)


@user_app.command("create")
def create(
    tenant: Annotated[str, typer.Option(help="Slug of the tenant the user belongs to.")],
    email: Annotated[str, typer.Option(help="Sign-in email.")],
    password: Annotated[
        str | None,
        typer.Option(
            help="Password. When not given it is asked for (hidden, twice) in a terminal, or "
            "read as one line from standard input otherwise (kept out of the process list).",
            show_default=False,
        ),
    ] = None,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(SYSTEM_ROLES)}.")] = "customer",
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
) -> None:
    """Create a user in a tenant with one of the system roles."""
    settings = cli_settings()
    secret = password if password is not None else ask_password()

    async def work() -> uuid.UUID:
        async with open_platform(settings) as platform:
            return await create_user_in(platform, tenant, email, secret, role, name)

    user_id = run(work)
    out_console.print(f"created user {email.strip().lower()} ({user_id}) as {role} in {tenant}")


def ask_password() -> str:
    """The password from the terminal (hidden, confirmed) or one line of standard input."""
    if sys.stdin.isatty():
        entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return entered
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        fail("no password: pass --password, type it in a terminal, or pipe it on stdin", 2)
    return line


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
