"""``rustok webhooks list|deliveries|redeliver`` (W-5, ``ModuleSpec.cli``): a tenant's
endpoints and delivery log from the shell. The command line lends each command its kit to load
settings, open a platform and run (``rustok.core.commands``); everything else is here."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import msgspec
import typer
from rich.console import Console
from rich.table import Table

from rustok.core.commands import CommandKit, command_kit

if TYPE_CHECKING:
    from rustok.core.platform import Platform
    from rustok.core.settings import Settings
    from rustok.modules.webhooks.webhooks_runtime import WebhooksRuntime

T = TypeVar("T")

TenantOption = Annotated[str, typer.Option("--tenant", help="The tenant's slug.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_out = Console(highlight=False, soft_wrap=True)


def _table(*columns: str) -> Table:
    table = Table()
    table.add_column("id", no_wrap=True, min_width=36)  # ids are for copying: never cut
    for column in columns:
        table.add_column(column)
    return table


class WebhookCommands:
    @asynccontextmanager
    async def _tenant_platform(
        self, kit: CommandKit, settings: Settings, slug: str
    ) -> AsyncIterator[Platform]:
        from rustok.core.context import RequestContext, use_context
        from rustok.tenancy.service import TenantService, tenant_ref

        async with kit.open_platform(settings) as platform:
            tenant = await TenantService(platform).get_by_slug(slug)
            with use_context(RequestContext(tenant=tenant_ref(tenant))):
                yield platform

    def _in_tenant(
        self, ctx: typer.Context, slug: str, work: Callable[[WebhooksRuntime], Awaitable[T]]
    ) -> T:
        from rustok.modules.webhooks.webhooks_runtime import webhooks_runtime

        kit = command_kit(ctx)
        settings = kit.settings()

        async def go() -> T:
            async with self._tenant_platform(kit, settings, slug) as platform:
                return await work(webhooks_runtime(platform))

        return kit.run(go)

    def list(
        self, ctx: typer.Context, tenant: TenantOption = "default", json: JsonOption = False
    ) -> None:
        """List the tenant's endpoints."""
        page = self._in_tenant(ctx, tenant, lambda w: w.endpoints.list_page(1, 100))
        if json:
            typer.echo(msgspec.json.encode(page.items).decode())
            return
        table = _table("url", "active", "event types", "failing since")
        for w in page.items:
            table.add_row(str(w.id), w.url, "yes" if w.active else "no", ", ".join(w.event_types),
                          w.failing_since.isoformat() if w.failing_since else "")  # fmt: skip
        _out.print(table)

    def deliveries(
        self,
        ctx: typer.Context,
        webhook_id: Annotated[uuid.UUID, typer.Argument(help="The endpoint's id.")],
        tenant: TenantOption = "default",
        status: Annotated[str | None, typer.Option(help="pending, succeeded or failed")] = None,
        event_type: Annotated[str | None, typer.Option("--event-type")] = None,
        limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
        json: JsonOption = False,
    ) -> None:
        """An endpoint's latest deliveries with their attempts."""
        from rustok.modules.webhooks.schemas import DeliveryFilter

        try:
            filters = msgspec.convert({"status": status, "event_type": event_type}, DeliveryFilter)
        except msgspec.ValidationError as exc:
            raise typer.BadParameter(str(exc)) from None
        page = self._in_tenant(
            ctx, tenant, lambda w: w.deliveries.list_page(webhook_id, filters, 1, limit)
        )
        if json:
            typer.echo(msgspec.json.encode(page.items).decode())
            return
        table = _table("event", "status", "attempts", "last", "created")
        for d in page.items:
            last = d.last_error or (f"HTTP {d.last_status_code}" if d.last_status_code else "")
            table.add_row(str(d.id), d.event_type, d.status, str(d.attempt_count), last,
                          d.created_at.isoformat(timespec="seconds"))  # fmt: skip
        _out.print(table)

    def redeliver(
        self,
        ctx: typer.Context,
        delivery_id: Annotated[uuid.UUID, typer.Argument(help="The delivery's id.")],
        tenant: TenantOption = "default",
    ) -> None:
        """Send a delivery again now (same webhook-id, fresh retry schedule)."""
        delivery = self._in_tenant(ctx, tenant, lambda w: w.deliveries.redeliver(delivery_id))
        _out.print(f"delivery {delivery.id} queued again ({delivery.event_type})")


def make_webhooks_app() -> typer.Typer:
    """The ``rustok webhooks`` command group."""
    commands = WebhookCommands()
    app = typer.Typer(help="A tenant's webhooks and their delivery log.", no_args_is_help=True)
    app.command("list")(commands.list)
    app.command("deliveries")(commands.deliveries)
    app.command("redeliver")(commands.redeliver)
    return app


# The module's commands, joined to `rustok`'s: the `rustok webhooks` group.
cli = typer.Typer()
cli.add_typer(make_webhooks_app(), name="webhooks")
