"""``rustok webhooks list|deliveries|redeliver`` (W-5): a tenant's endpoints and delivery log
from the shell. The entry point hands in how to load settings, open a platform and run
(this module sits below the CLI package); everything else is here."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import msgspec
import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from rustok.core.platform import Platform
    from rustok.core.settings import Settings

T = TypeVar("T")
OpenPlatform = Callable[["Settings"], AbstractAsyncContextManager[Any]]
Run = Callable[[Callable[[], Awaitable[Any]]], Any]

TenantOption = Annotated[str, typer.Option("--tenant", help="The tenant's slug.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_out = Console(highlight=False, soft_wrap=True)


async def _in_tenant(
    open_platform: OpenPlatform, settings: Settings, slug: str
) -> AsyncIterator[Platform]:
    from rustok.core.context import RequestContext, use_context
    from rustok.tenancy.service import TenantService, tenant_ref

    async with open_platform(settings) as platform:
        tenant = await TenantService(platform).get_by_slug(slug)
        with use_context(RequestContext(tenant=tenant_ref(tenant))):
            yield platform


def make_webhooks_app(
    settings: Callable[[], Settings], open_platform: OpenPlatform, run: Run
) -> typer.Typer:
    """The ``rustok webhooks`` command group."""
    from contextlib import asynccontextmanager

    app = typer.Typer(help="A tenant's webhooks and their delivery log.", no_args_is_help=True)
    tenant_platform = asynccontextmanager(_in_tenant)

    def in_tenant(slug: str, work: Callable[[Platform], Awaitable[T]]) -> T:
        loaded = settings()

        async def go() -> T:
            async with tenant_platform(open_platform, loaded, slug) as platform:
                return await work(platform)

        result: T = run(go)
        return result

    @app.command("list")
    def list_command(tenant: TenantOption = "default", json: JsonOption = False) -> None:
        """List the tenant's endpoints."""
        from rustok.modules.webhooks.runtime import webhooks_runtime

        async def work(platform: Platform) -> Any:
            return await webhooks_runtime(platform).endpoints.list_page(1, 100)

        page = in_tenant(tenant, work)
        if json:
            typer.echo(msgspec.json.encode(page.items).decode())
            return
        table = Table(
            "id", "url", "active", "event types", "failing since", title=f"{page.total} webhooks"
        )
        for w in page.items:
            table.add_row(str(w.id), w.url, "yes" if w.active else "no", ", ".join(w.event_types),
                          w.failing_since.isoformat() if w.failing_since else "")  # fmt: skip
        _out.print(table)

    @app.command("deliveries")
    def deliveries_command(
        webhook_id: Annotated[uuid.UUID, typer.Argument(help="The endpoint's id.")],
        tenant: TenantOption = "default",
        status: Annotated[str | None, typer.Option(help="pending, succeeded or failed")] = None,
        event_type: Annotated[str | None, typer.Option("--event-type")] = None,
        limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
        json: JsonOption = False,
    ) -> None:
        """An endpoint's latest deliveries with their attempts."""
        from rustok.modules.webhooks.runtime import webhooks_runtime
        from rustok.modules.webhooks.schemas import DeliveryFilter

        try:
            filters = msgspec.convert({"status": status, "event_type": event_type}, DeliveryFilter)
        except msgspec.ValidationError as exc:
            raise typer.BadParameter(str(exc)) from None

        async def work(platform: Platform) -> Any:
            log = webhooks_runtime(platform).deliveries
            return await log.list_page(webhook_id, filters, 1, limit)

        page = in_tenant(tenant, work)
        if json:
            typer.echo(msgspec.json.encode(page.items).decode())
            return
        table = Table(
            "id", "event", "status", "attempts", "last", "created", title=f"{page.total} deliveries"
        )
        for d in page.items:
            last = d.last_error or (f"HTTP {d.last_status_code}" if d.last_status_code else "")
            table.add_row(str(d.id), d.event_type, d.status, str(d.attempt_count), last,
                          d.created_at.isoformat(timespec="seconds"))  # fmt: skip
        _out.print(table)

    @app.command("redeliver")
    def redeliver_command(
        delivery_id: Annotated[uuid.UUID, typer.Argument(help="The delivery's id.")],
        tenant: TenantOption = "default",
    ) -> None:
        """Send a delivery again now (same webhook-id, fresh retry schedule)."""
        from rustok.modules.webhooks.runtime import webhooks_runtime

        async def work(platform: Platform) -> Any:
            return await webhooks_runtime(platform).deliveries.redeliver(delivery_id)

        delivery = in_tenant(tenant, work)
        _out.print(f"delivery {delivery.id} queued again ({delivery.event_type})")

    return app
