"""``rustok reindex`` and ``rustok index check`` (``ModuleSpec.cli``): rebuild the storefront
read models from the write model, and report where they drifted from it (IX-4)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import msgspec
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from rustok.core.commands import CommandKit, command_kit

if TYPE_CHECKING:
    from rustok.core.context import TenantRef
    from rustok.core.platform import Platform
    from rustok.modules.index.rebuild import CheckResult, ReadModel, RebuildResult

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)
# Its commands join `rustok`'s: `rustok reindex` and the `rustok index` group.
cli = typer.Typer()
index_app = typer.Typer(help="The storefront read models.", no_args_is_help=True)
cli.add_typer(index_app, name="index")


class Only(enum.StrEnum):
    products = "products"
    content = "content"


TenantOption = Annotated[
    str | None, typer.Option("--tenant", help="Only this tenant (slug); every tenant by default.")
]
OnlyOption = Annotated[Only | None, typer.Option("--only", help="Only this read model.")]
BatchOption = Annotated[
    int, typer.Option("--batch-size", min=1, max=5000, help="Entities per transaction.")
]


async def _tenants(platform: Platform, slug: str | None) -> list[TenantRef]:
    from rustok.tenancy.service import TenantService

    service = TenantService(platform)
    if slug is not None:
        ids = [(await service.get_by_slug(slug)).id]
    else:
        ids, page = [], 1
        while True:
            tenants, total = await service.list(page=page, per_page=100)
            ids += [t.id for t in tenants]
            if not tenants or len(ids) >= total:
                break
            page += 1
    assert platform.tenants is not None  # bootstrap attaches the tenant directory
    refs = [await platform.tenants.by_id(tenant_id) for tenant_id in ids]
    return [ref for ref in refs if ref is not None]


def _read_models(only: Only | None) -> list[ReadModel]:
    from rustok.modules.index.rebuild import READ_MODELS

    return [m for m in READ_MODELS if only is None or m == only.value]


def _index_installed(kit: CommandKit, platform: Platform) -> None:
    if "index" not in platform.modules:
        kit.fail("the index module is not installed (RUSTOK_MODULES)", 2)


@cli.command("reindex")
def reindex_command(
    ctx: typer.Context,
    tenant: TenantOption = None,
    only: OnlyOption = None,
    batch_size: BatchOption = 200,
) -> None:
    """Rebuild the storefront read models from the write model (safe while events flow)."""
    from rustok.modules.index.rebuild import rebuild

    kit = command_kit(ctx)
    settings = kit.settings()

    async def work() -> list[RebuildResult]:
        results = []
        async with kit.open_platform(settings) as platform:
            _index_installed(kit, platform)
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), console=err_console, transient=False,
            ) as bar:  # fmt: skip
                for ref in await _tenants(platform, tenant):
                    for read_model in _read_models(only):
                        task = bar.add_task(f"{ref.slug} {read_model}", total=None)

                        def step(_: ReadModel, done: int, total: int, task: TaskID = task) -> None:
                            bar.update(task, completed=done, total=total)

                        results.append(
                            await rebuild(
                                platform, ref, read_model, batch_size=batch_size, progress=step
                            )
                        )
            await platform.db.refresh_statistics()  # the tables may have grown a lot
        return results

    for result in kit.run(work):
        out_console.print(
            f"{result.tenant} {result.read_model}: {result.entities} entities, "
            f"{result.listings} listings written"
        )


@index_app.command("check")
def check_command(
    ctx: typer.Context,
    tenant: TenantOption = None,
    only: OnlyOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Compare the read models with the write model; exit 1 when they drifted."""
    from rustok.modules.index.rebuild import check

    kit = command_kit(ctx)
    settings = kit.settings()

    async def work() -> list[CheckResult]:
        async with kit.open_platform(settings) as platform:
            _index_installed(kit, platform)
            return [
                await check(platform, ref, read_model)
                for ref in await _tenants(platform, tenant)
                for read_model in _read_models(only)
            ]

    results = kit.run(work)
    drifted = [d for r in results for d in r.drift]
    if as_json:
        typer.echo(msgspec.json.encode(results).decode())
    else:
        for result in results:
            out_console.print(
                f"{result.tenant} {result.read_model}: {result.checked} checked, "
                f"{len(result.drift)} drifted"
            )
        if drifted:
            table = Table("tenant", "read model", "entity", "locale", "problem", "fields")
            for result in results:
                for d in result.drift:
                    table.add_row(result.tenant, d.read_model, str(d.entity_id), d.locale or "-",
                                  d.problem, ", ".join(d.fields))  # fmt: skip
            out_console.print(table)
            err_console.print("drift found: run `rustok reindex` to rebuild")
    if drifted:
        raise typer.Exit(1)
