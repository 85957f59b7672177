"""``rustok outbox status|replay``: what the relay and the consumers have not done yet."""

from __future__ import annotations

from typing import Annotated

import msgspec
import typer
from rich.table import Table

from rustok.cli.common import cli_settings, fail, open_platform, out_console, run

outbox_app = typer.Typer(help="Inspect and replay the event outbox.", no_args_is_help=True)


@outbox_app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Pending and failed outbox rows, the oldest pending age, and per-consumer lag."""
    from rustok.outbox.service import OutboxStatus, outbox_status

    settings = cli_settings()

    async def work() -> OutboxStatus:
        async with open_platform(settings) as platform:
            return await outbox_status(platform)

    result = run(work)
    if as_json:
        typer.echo(msgspec.json.encode(result).decode())
        return
    out_console.print(
        f"pending {result.pending}, failed {result.failed}, "
        f"oldest pending {result.oldest_pending_seconds:.1f} s"
    )
    if not result.consumers:
        out_console.print("no consumers installed")
        return
    table = Table("consumer", "unhandled (24 h)", "oldest unhandled", "parked", "last handled")
    for c in result.consumers:
        last = c.last_handled_at.isoformat(timespec="seconds") if c.last_handled_at else "-"
        table.add_row(
            c.name, str(c.unhandled), f"{c.oldest_unhandled_seconds:.1f} s", str(c.parked), last
        )
    out_console.print(table)


@outbox_app.command("replay")
def replay(
    event_id: Annotated[str, typer.Argument(help="The event's id (UUID or ULID).")],
) -> None:
    """Deliver a failed event, or one a consumer parked, once more."""
    from rustok.core.ids import parse_id
    from rustok.outbox.service import ReplayResult, replay_event

    try:
        parsed = parse_id(event_id)
    except ValueError:
        fail(f"{event_id!r} is not a UUID or ULID", 2)
    settings = cli_settings()

    async def work() -> ReplayResult:
        async with open_platform(settings) as platform:
            return await replay_event(platform, parsed)

    result = run(work)
    who = ", ".join(result.consumers) or "every consumer that has not handled it"
    out_console.print(
        f"replaying {result.event_type} {result.event_id} (was {result.previous_status}) for {who}"
    )
