"""``rustok apikey create|list|revoke``: API keys of a tenant (K-3), from the operator's seat.

``create`` acts as the named user (the key's creator): its permissions may not exceed that
user's. The key is printed on stdout, once; nothing can show it again.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
import typer
from rich.table import Table

from rustok.cli.common import cli_settings, err_console, fail, open_platform, out_console, run

if TYPE_CHECKING:
    from rustok.auth.api_keys.schemas import ApiKeyCreated, ApiKeyPage, ApiKeyRead
    from rustok.core.platform import Platform

apikey_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
TenantOption = Annotated[str, typer.Option("--tenant", help="Slug of the key's tenant.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


async def _in_tenant(platform: Platform, slug: str) -> Any:
    from rustok.core.context import RequestContext, use_context
    from rustok.tenancy.service import TenantService, tenant_ref

    tenant = await TenantService(platform).get_by_slug(slug)
    return use_context(RequestContext(tenant=tenant_ref(tenant)))


@apikey_app.command("create")
def create(
    tenant: TenantOption,
    user: Annotated[str, typer.Option("--user", help="Email of the creator (a user of it).")],
    name: Annotated[str, typer.Option("--name", help="What the key is for.")],
    permission: Annotated[
        list[str], typer.Option("--permission", help="resource:action, repeatable (products:read).")
    ],
    expires_at: Annotated[
        str | None, typer.Option("--expires-at", help="RFC 3339 time, e.g. 2027-01-01T00:00:00Z.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a key with the user's permissions or fewer; print it once."""
    from rustok.auth.api_keys.schemas import parse_api_key_create
    from rustok.auth.api_keys.service import ApiKeyService, acting_user
    from rustok.auth.auth_runtime import AuthRuntime
    from rustok.core.errors import ValidationFailed

    try:
        data = parse_api_key_create(
            {"name": name, "permissions": permission, "expires_at": expires_at}
        )
    except ValidationFailed as exc:
        fail("; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items()), 2)
    settings = cli_settings()

    async def work() -> ApiKeyCreated:
        async with open_platform(settings) as platform:
            with await _in_tenant(platform, tenant):
                auth = AuthRuntime.build(platform)
                actor = await acting_user(platform, auth.grants, user)
                return await ApiKeyService(platform, auth.sessions).create(actor, data)

    created = run(work)
    if as_json:
        typer.echo(msgspec.json.encode(created).decode())
        return
    err_console.print(
        f"created API key {created.name!r} ({created.id}) for {user} in {tenant}; "
        "it is shown only now:"
    )
    typer.echo(created.key)


@apikey_app.command("list")
def list_(tenant: TenantOption, as_json: JsonOption = False) -> None:
    """The tenant's keys, newest first (never the keys themselves)."""
    from rustok.auth.api_keys.service import ApiKeyService
    from rustok.auth.auth_runtime import AuthRuntime

    settings = cli_settings()

    async def work() -> list[ApiKeyRead]:
        items: list[ApiKeyRead] = []
        async with open_platform(settings) as platform:
            with await _in_tenant(platform, tenant):
                service = ApiKeyService(platform, AuthRuntime.build(platform).sessions)
                page = 1
                while True:
                    listed: ApiKeyPage = await service.list(page=page, per_page=100)
                    items += listed.items
                    if len(items) >= listed.total or not listed.items:
                        return items
                    page += 1

    keys = run(work)
    if as_json:
        typer.echo(msgspec.json.encode(keys).decode())
        return
    table = Table("id", "name", "prefix", "permissions", "state", "expires", "last used")
    for key in keys:
        state = "active" if key.active else ("revoked" if key.revoked_at else "expired")
        table.add_row(
            str(key.id), key.name, key.prefix + "…", ", ".join(key.permissions), state,
            key.expires_at.isoformat(timespec="seconds") if key.expires_at else "-",
            key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "-",
        )  # fmt: skip
    out_console.print(table)


@apikey_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (UUID or ULID).")],
    tenant: TenantOption,
) -> None:
    """Revoke a key: running servers refuse it within a second."""
    from rustok.auth.api_keys.service import ApiKeyService
    from rustok.auth.auth_runtime import AuthRuntime
    from rustok.core.ids import parse_id

    try:
        parsed: uuid.UUID = parse_id(key_id)
    except ValueError:
        fail(f"{key_id!r} is not a UUID or ULID", 2)
    settings = cli_settings()

    async def work() -> ApiKeyRead:
        async with open_platform(settings) as platform:
            with await _in_tenant(platform, tenant):
                service = ApiKeyService(platform, AuthRuntime.build(platform).sessions)
                return await service.revoke(None, parsed)

    revoked = run(work)
    out_console.print(f"revoked API key {revoked.name!r} ({revoked.id})")
