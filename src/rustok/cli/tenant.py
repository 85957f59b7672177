"""``rustok tenant create|list|update|disable|modules``."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
import typer

from rustok.cli.common import cli_settings, fail, open_platform, out_console, run
from rustok.core.errors import ValidationFailed
from rustok.tenancy.schemas import TenantCreate, TenantRead, TenantUpdate

tenant_app = typer.Typer(help="Create, list and change tenants.", no_args_is_help=True)
S = TypeVar("S")


def convert(cls: type[S], data: dict[str, Any]) -> S:
    """Validate CLI input with the same schema the API uses."""
    try:
        return msgspec.convert(data, cls)
    except msgspec.ValidationError as exc:
        raise ValidationFailed(str(exc)) from None


@tenant_app.command("create")
def create(
    slug: Annotated[str, typer.Option(help="URL-safe identifier, e.g. 'acme'.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    domain: Annotated[str | None, typer.Option(help="Host name that resolves to it.")] = None,
    locale: Annotated[str, typer.Option(help="Default locale.")] = "en",
    currency: Annotated[str, typer.Option(help="Default currency (ISO 4217).")] = "USD",
) -> None:
    """Create a tenant (with its system roles and modules)."""
    from rustok.tenancy.service import TenantService

    settings = cli_settings()

    async def work() -> TenantRead:
        data = convert(
            TenantCreate,
            {"slug": slug, "name": name, "domain": domain, "default_locale": locale,
             "currency_code": currency},
        )  # fmt: skip
        async with open_platform(settings) as platform:
            return await TenantService(platform).create(data)

    tenant = run(work)
    out_console.print(f"created tenant {tenant.slug} ({tenant.id})")


@tenant_app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List tenants."""
    from rustok.tenancy.service import TenantService

    settings = cli_settings()

    async def work() -> list[TenantRead]:
        async with open_platform(settings) as platform:
            service, items, page = TenantService(platform), list[TenantRead](), 1
            while True:
                batch, total = await service.list(page=page, per_page=100)
                items.extend(batch)
                if len(items) >= total or not batch:
                    return items
                page += 1

    tenants = run(work)
    if as_json:
        typer.echo(msgspec.json.encode(tenants).decode())
        return
    # Plain aligned columns, identifiers first: nothing is cut to fit the terminal (a long
    # line wraps), since slugs and ids are copied into commands and headers.
    rows = [("slug", "id", "active", "locale", "currency", "domain", "name")]
    rows += [
        (t.slug, str(t.id), "yes" if t.is_active else "no", t.default_locale, t.currency_code,
         t.domain or "-", t.name)
        for t in tenants
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        typer.echo("  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]))


@tenant_app.command("update")
def update(
    slug: Annotated[str, typer.Argument(help="The tenant's slug.")],
    name: Annotated[str | None, typer.Option(help="New display name.")] = None,
    domain: Annotated[str | None, typer.Option(help="New domain ('' removes it).")] = None,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Enable or disable.")
    ] = None,
) -> None:
    """Change a tenant's name, domain or active flag."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = name
    if domain is not None:
        changes["domain"] = domain or None
    if active is not None:
        changes["is_active"] = active
    if not changes:
        fail("nothing to change: pass --name, --domain or --active/--inactive", 2)
    _update(slug, changes)


@tenant_app.command("disable")
def disable(slug: Annotated[str, typer.Argument(help="The tenant's slug.")]) -> None:
    """Disable a tenant: its requests answer 403 TENANT_DISABLED."""
    _update(slug, {"is_active": False})


def _update(slug: str, changes: dict[str, Any]) -> None:
    from rustok.tenancy.service import TenantService

    settings = cli_settings()

    async def work() -> TenantRead:
        patch = convert(TenantUpdate, changes)
        async with open_platform(settings) as platform:
            service = TenantService(platform)
            tenant = await service.get_by_slug(slug)
            return await service.update(tenant.id, patch)

    tenant = run(work)
    state = "active" if tenant.is_active else "disabled"
    out_console.print(f"updated tenant {tenant.slug}: {state}, domain {tenant.domain or '-'}")


@tenant_app.command("modules")
def modules(
    slug: Annotated[str, typer.Argument(help="The tenant's slug.")],
    enable: Annotated[
        list[str] | None, typer.Option("--enable", help="A module to switch on (repeatable).")
    ] = None,
    disable: Annotated[
        list[str] | None, typer.Option("--disable", help="A module to switch off (repeatable).")
    ] = None,
) -> None:
    """Show a tenant's modules, or switch some on and off (dependencies and the platform's
    required modules are checked first: nothing changes when one is refused)."""
    from rustok.core.context import RequestContext, use_context
    from rustok.tenancy.errors import TenantNotFound
    from rustok.tenancy.store import StoreRead, StoreUpdate
    from rustok.tenancy.tenancy_runtime import TenancyRuntime

    both = set(enable or ()) & set(disable or ())
    if both:
        fail(f"both enabled and disabled: {', '.join(sorted(both))}", 2)
    wanted = {**dict.fromkeys(enable or (), True), **dict.fromkeys(disable or (), False)}
    settings = cli_settings()

    async def work() -> StoreRead:
        patch = convert(StoreUpdate, {"modules": wanted} if wanted else {})
        async with open_platform(settings) as platform:
            tenancy = TenancyRuntime.build(platform)
            tenant = await tenancy.directory.by_slug(slug.strip().lower())
            if tenant is None:
                raise TenantNotFound(f"no tenant {slug!r}")
            with use_context(RequestContext(tenant=tenant)):
                store = tenancy.store()
                return await (store.update(patch) if wanted else store.read())

    store = run(work)
    required = set(store.required_modules)
    for module in store.modules:
        state = "on " if module.enabled else "off"
        notes = [f"needs {', '.join(module.dependencies)}"] if module.dependencies else []
        notes += ["required"] if module.slug in required else []
        typer.echo(f"{state}  {module.slug}" + (f"  ({'; '.join(notes)})" if notes else ""))
