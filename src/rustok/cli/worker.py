"""``rustok worker``: the outbox relay, the consumers and the periodic jobs, without HTTP (E-4).

Run as many as you like next to ``rustok serve`` (set ``RUSTOK_SERVE_EVENTS=false`` there
to keep the server processes free of event work): claims never overlap.
"""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING

from rustok.cli.common import cli_settings, out_console, run

if TYPE_CHECKING:
    from rustok.core.platform import Platform


async def run_worker(platform: Platform, stop: asyncio.Event) -> None:
    """Run the event runtime and the periodic jobs until ``stop`` is set (signals set it)."""
    from rustok.migrations import ensure_schema_current

    await ensure_schema_current(platform.db)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await platform.start_background()
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await platform.stop_background()


def worker_command() -> None:
    """Run the outbox relay, the event consumers and the periodic jobs until interrupted."""
    settings = cli_settings()

    async def work() -> None:
        from rustok.bootstrap import bootstrap

        platform = bootstrap(settings)
        try:
            out_console.print(
                f"rustok worker: {settings.event_transport} transport, "
                f"{'sqlite' if settings.is_sqlite else 'postgresql'}; Ctrl-C stops"
            )
            await run_worker(platform, asyncio.Event())
        finally:
            await platform.aclose()

    run(work)
