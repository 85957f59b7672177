"""``rustok``: the platform's command line (ID-3)."""

from __future__ import annotations

import typer

from rustok import __version__
from rustok.cli.common import cli_settings, open_platform, run
from rustok.cli.demo import demo_command
from rustok.cli.events import events_app
from rustok.cli.index import index_app, reindex_command
from rustok.cli.jobs import jobs_app
from rustok.cli.migrate import migrate_command
from rustok.cli.outbox import outbox_app
from rustok.cli.routes import routes_command
from rustok.cli.serve import serve_command
from rustok.cli.tenant import tenant_app
from rustok.cli.user import user_app
from rustok.cli.worker import worker_command
from rustok.modules.webhooks.cli import make_webhooks_app

app = typer.Typer(
    name="rustok",
    help="RusToK: multi-tenant headless content + commerce platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve_command)
app.command("migrate")(migrate_command)
app.command("demo")(demo_command)
app.command("routes")(routes_command)
app.command("worker")(worker_command)
app.command("reindex")(reindex_command)
app.add_typer(tenant_app, name="tenant")
app.add_typer(user_app, name="user")
app.add_typer(events_app, name="events")
app.add_typer(outbox_app, name="outbox")
app.add_typer(index_app, name="index")
app.add_typer(jobs_app, name="jobs")
app.add_typer(make_webhooks_app(cli_settings, open_platform, run), name="webhooks")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rustok {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """RusToK command line."""


def main() -> None:
    app()
