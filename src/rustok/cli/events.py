"""``rustok events list|schema``: the event catalogue (E-2). Needs no database."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from rustok.cli.common import out_console

events_app = typer.Typer(help="The event catalogue.", no_args_is_help=True)


@events_app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List every event type with its schema version and owning package."""
    from rustok.bootstrap import load_event_catalogue

    types = load_event_catalogue().types()
    rows = [
        {
            "event_type": cls.event_type,
            "schema_version": cls.schema_version,
            "package": cls.__module__.removesuffix(".events"),
            "description": _summary(cls.description or cls.__doc__ or ""),
        }
        for cls in types
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("event type", "version", "package", "description")
    for row in rows:
        table.add_row(
            str(row["event_type"]), str(row["schema_version"]), str(row["package"]),
            str(row["description"]),
        )  # fmt: skip
    out_console.print(table)
    out_console.print(f"{len(rows)} event types")


@events_app.command("schema")
def schema() -> None:
    """Print the whole catalogue as JSON Schema (draft 2020-12) on stdout."""
    from rustok.bootstrap import load_event_catalogue

    typer.echo(json.dumps(load_event_catalogue().json_schema(), indent=2, sort_keys=True))


def _summary(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""
