"""``rustok``: the platform's command line (ID-3).

The platform's commands are listed here; each module adds its own through ``ModuleSpec.cli``
(the index module's ``rustok reindex`` and ``rustok index check``, the webhooks module's
``rustok webhooks``). Those are looked up only when the name is not one of the platform's, or
for ``--help``: importing every module costs seconds, and ``rustok serve`` should not wait for
it twice.
"""

from __future__ import annotations

import typer
from typer import _click as click  # typer 0.29 vendors click: its own Context and Command
from typer.core import TyperGroup

from rustok import __version__
from rustok.cli.apikey import apikey_app
from rustok.cli.common import CliKit, fail
from rustok.cli.demo import demo_command
from rustok.cli.docs import docs_command
from rustok.cli.events import events_app
from rustok.cli.jobs import jobs_app
from rustok.cli.mail import mail_app
from rustok.cli.mcp import mcp_command
from rustok.cli.migrate import migrate_command
from rustok.cli.outbox import outbox_app
from rustok.cli.routes import routes_command
from rustok.cli.serve import serve_command
from rustok.cli.settings import settings_command
from rustok.cli.tenant import tenant_app
from rustok.cli.user import user_app
from rustok.cli.worker import worker_command
from rustok.core.module import imported


def module_commands() -> dict[str, click.Command]:
    """The commands of every available module's typer app, by name."""
    from rustok.bootstrap import available_modules

    commands: dict[str, click.Command] = {}
    for found in available_modules():
        cli = imported(found.spec.cli) if isinstance(found.spec.cli, str) else found.spec.cli
        if cli is None:
            continue
        if not isinstance(cli, typer.Typer):
            fail(f"module {found.spec.slug!r}: ModuleSpec.cli is not a typer app", 2)
        for name, command in typer.main.get_group(cli).commands.items():
            if name in commands:
                fail(f"module {found.spec.slug!r}: command {name!r} is taken", 2)
            commands[name] = command
    return commands


class RootGroup(TyperGroup):
    """The platform's commands, then the modules' (loaded on first need)."""

    _modules: dict[str, click.Command] | None = None

    def _module_commands(self) -> dict[str, click.Command]:
        if self._modules is None:
            found = module_commands()
            if taken := sorted(set(found) & set(self.commands)):
                fail(f"module command {taken[0]!r} is one of the platform's", 2)
            self._modules = found
        return self._modules

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *sorted(self._module_commands())]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._module_commands().get(cmd_name)


app = typer.Typer(
    name="rustok",
    help="RusToK: multi-tenant headless content + commerce platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=RootGroup,
)
app.command("serve")(serve_command)
app.command("migrate")(migrate_command)
app.command("demo")(demo_command)
app.command("routes")(routes_command)
app.command("settings")(settings_command)
app.command("docs")(docs_command)
app.command("worker")(worker_command)
app.command("mcp")(mcp_command)
app.add_typer(tenant_app, name="tenant")
app.add_typer(user_app, name="user")
app.add_typer(events_app, name="events")
app.add_typer(outbox_app, name="outbox")
app.add_typer(jobs_app, name="jobs")
app.add_typer(mail_app, name="mail")
app.add_typer(apikey_app, name="apikey")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rustok {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """RusToK command line."""
    ctx.obj = CliKit()  # what the modules' commands use (rustok.core.commands)
