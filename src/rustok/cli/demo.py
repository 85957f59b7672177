"""``rustok demo``: an idempotent demo tenant with an administrator (more as modules land)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer
from rich.markup import escape

from rustok.cli.common import cli_settings, fail, open_platform, out_console, run
from rustok.core.settings import Settings

DEMO_TENANT_SLUG = "demo"
DEMO_TENANT_NAME = "Demo Shop"
DEMO_ADMIN_EMAIL = "admin@demo.rustok.local"
PLATFORM_ADMIN_EMAIL = "admin@rustok.local"
DEMO_PASSWORD = "rustok-demo-admin"  # noqa: S105 - documented demo login; refused in production


@dataclass(frozen=True)
class DemoLogin:
    tenant: str
    email: str
    password: str
    role: str
    created: bool
    domain: str | None = None


async def seed_demo(settings: Settings, password: str) -> list[DemoLogin]:
    from sqlalchemy import select

    from rustok.auth.models import User
    from rustok.cli.user import create_user_in
    from rustok.core.context import RequestContext, use_context
    from rustok.tenancy.errors import TenantNotFound
    from rustok.tenancy.schemas import TenantCreate
    from rustok.tenancy.service import TenantService, tenant_ref

    logins: list[DemoLogin] = []
    async with open_platform(settings) as platform:
        tenants = TenantService(platform)
        try:
            await tenants.get_by_slug(DEMO_TENANT_SLUG)
        except TenantNotFound:
            await tenants.create(
                TenantCreate(slug=DEMO_TENANT_SLUG, name=DEMO_TENANT_NAME, currency_code="USD")
            )
        wanted = [
            ("default", PLATFORM_ADMIN_EMAIL, "super_admin"),
            (DEMO_TENANT_SLUG, DEMO_ADMIN_EMAIL, "admin"),
        ]
        for slug, email, role in wanted:
            tenant = await tenants.get_by_slug(slug)
            async with platform.db.read_session(all_tenants=True) as session:
                exists = await session.scalar(
                    select(User.id).where(User.tenant_id == tenant.id, User.email == email)
                )
            if exists is None:
                await create_user_in(platform, slug, email, password, role, "Demo admin")
            logins.append(DemoLogin(slug, email, password, role, exists is None, tenant.domain))
        demo_tenant = tenant_ref(await tenants.get_by_slug(DEMO_TENANT_SLUG))
        with use_context(RequestContext(tenant=demo_tenant)):
            for spec in platform.modules:
                if spec.demo is not None:
                    for line in await spec.demo(platform):
                        out_console.print(f"demo {spec.slug}: {line}")
    return logins


def demo_command(
    password: Annotated[
        str | None, typer.Option(help="Password for the demo administrators.")
    ] = None,
) -> None:
    """Create (once) the demo tenant and its administrators; print how to sign in."""
    settings = cli_settings()
    if settings.is_production and not password:
        fail("refusing the well-known demo password in production: pass --password", 2)
    logins = run(lambda: seed_demo(settings, password or DEMO_PASSWORD))
    print_logins(logins, settings, shown_password=password is None)


def tenant_selector(settings: Settings, slug: str, domain: str | None) -> str:
    """How a request names the tenant ``slug`` under this deployment's resolution mode."""
    mode = settings.tenant_resolution
    if mode == "header":
        return f"header X-Tenant-ID: {slug}" + (" (or none)" if slug == "default" else "")
    if mode == "path":
        return f"path prefix /t/{slug} (POST /t/{slug}/api/auth/login)"
    if mode == "subdomain":
        base = settings.tenant_base_domain or ""
        return f"host {base}" if slug == "default" else f"host {slug}.{base}"
    if mode == "host":
        return f"host {domain}" if domain else f"a domain: rustok tenant update {slug} --domain …"
    return "none" if slug == "default" else "none: only the default tenant is served (disabled)"


def print_logins(logins: list[DemoLogin], settings: Settings, *, shown_password: bool) -> None:
    for login in logins:
        state = "created" if login.created else "exists"
        secret = login.password if shown_password or login.created else "(unchanged)"
        selector = escape(tenant_selector(settings, login.tenant, login.domain))
        out_console.print(
            f"demo login ({state}): tenant [bold]{login.tenant}[/] ({login.role}) "
            f"email [bold]{login.email}[/] password [bold]{secret}[/] "
            f"tenant selector [bold]{selector}[/]"
        )
    base = f"http://{settings.host}:{settings.port}"
    tenant_field = (
        " (the form's Tenant field: the tenant's slug)"
        if settings.tenant_resolution == "header"
        else ""
    )
    out_console.print(
        f"admin UI: [bold]{base}/admin[/] — sign in with a demo login above{tenant_field}"
    )
