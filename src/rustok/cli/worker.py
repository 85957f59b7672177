"""``rustok worker``: the outbox relay, the consumers and the periodic jobs, without HTTP (E-4).

Run as many as you like next to ``rustok serve`` (set ``RUSTOK_SERVE_EVENTS=false`` there
to keep the server processes free of event work): claims never overlap.
"""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING

from rustok.cli.common import cli_settings, fail, out_console, run

if TYPE_CHECKING:
    from rustok.core.platform import Platform
    from rustok.core.settings import Settings


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


async def _metrics_server(settings: Settings) -> asyncio.Server | None:
    if settings.worker_metrics_port == 0:
        return None
    from rustok.cli.worker_metrics import start_metrics_server

    try:
        return await start_metrics_server(settings.host, settings.worker_metrics_port)
    except OSError as exc:
        fail(
            f"cannot serve worker metrics on {settings.host}:{settings.worker_metrics_port}: "
            f"{exc.strerror} (RUSTOK_WORKER_METRICS_PORT; 0 switches it off)"
        )


def worker_command() -> None:
    """Run the outbox relay, the event consumers and the periodic jobs until interrupted."""
    settings = cli_settings()

    async def work() -> None:
        from rustok.bootstrap import bootstrap
        from rustok.core.tracing import configure_tracing

        configure_tracing(settings)
        metrics = await _metrics_server(settings)
        platform = bootstrap(settings)
        try:
            where = f"; metrics on :{settings.worker_metrics_port}" if metrics else ""
            out_console.print(
                f"rustok worker: {settings.event_transport} transport, "
                f"{'sqlite' if settings.is_sqlite else 'postgresql'}{where}; Ctrl-C stops"
            )
            await run_worker(platform, asyncio.Event())
        finally:
            if metrics is not None:
                metrics.close()
            await platform.aclose()

    run(work)
