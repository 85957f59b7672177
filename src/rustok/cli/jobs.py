"""``rustok jobs``: the modules' periodic jobs, listed or run once from the shell.

``rustok serve`` and ``rustok worker`` run them on a timer (``RUSTOK_JOBS_INTERVAL``); ``run``
is for cron-driven deployments, operators and checks. It is safe next to running servers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from rustok.cli.common import cli_settings, err_console, fail, open_platform, out_console, run

if TYPE_CHECKING:
    from rustok.core.jobs import JobOutcome

jobs_app = typer.Typer(help="The modules' periodic jobs (housekeeping).", no_args_is_help=True)


@jobs_app.command("list")
def list_command() -> None:
    """List the periodic jobs of the installed modules."""
    from rustok.bootstrap import available_modules
    from rustok.core.registry import ModuleRegistry

    settings = cli_settings()
    available = [found.spec for found in available_modules()]
    registry = ModuleRegistry.from_settings(settings.modules, available)
    table = Table("job", "what it does", title=f"every {settings.jobs_interval:g} s (±25 %)")
    for module in registry:
        for job in module.jobs:
            table.add_row(job.name, job.description)
    out_console.print(table)


@jobs_app.command("run")
def run_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Jobs to run (see `rustok jobs list`); all by default."),
    ] = None,
) -> None:
    """Run periodic jobs once now; exit 1 when one failed."""
    settings = cli_settings()

    async def work() -> list[JobOutcome]:
        async with open_platform(settings) as platform:
            from rustok.core.jobs import JobScheduler

            assert isinstance(platform.jobs, JobScheduler)  # bootstrap builds it
            try:
                return await platform.jobs.run_once(names or None)
            except KeyError as exc:
                known = ", ".join(platform.jobs.jobs) or "none"
                fail(f"unknown job {exc.args[0]}; known jobs: {known}", 2)

    outcomes = run(work)
    for outcome in outcomes:
        if outcome.ok:
            out_console.print(f"{outcome.job}: {outcome.items} changed")
        else:
            err_console.print(f"[bold red]{outcome.job} failed:[/] {outcome.error}")
    if not all(outcome.ok for outcome in outcomes):
        raise typer.Exit(1)
