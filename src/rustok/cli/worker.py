"""``rustok worker``: the outbox relay, the consumers and the periodic jobs, without HTTP (E-4).

Run as many as you like next to ``rustok serve`` (set ``RUSTOK_SERVE_EVENTS=false`` there
to keep the server processes free of event work): claims never overlap. Behind NATS,
``--only relay`` and ``--only consumers`` split the work between processes: the relay alone,
or the consumers with the periodic jobs and background services (mail, webhook sender).
"""

from __future__ import annotations

import asyncio
import enum
import gc
import signal
from typing import TYPE_CHECKING, Annotated

import typer

from rustok.cli.common import cli_settings, fail, out_console, run

if TYPE_CHECKING:
    from rustok.core.platform import Platform
    from rustok.core.settings import Settings


class WorkerPart(enum.StrEnum):
    relay = "relay"
    consumers = "consumers"


ONLY_NEEDS_A_BROKER = (
    "--only needs RUSTOK_EVENT_TRANSPORT=nats: the memory transport hands events to the "
    "consumers of the relay's own process"
)


def limit_to(platform: Platform, only: WorkerPart) -> None:
    """Run only the relay, or only the consumers (with the jobs and background services)."""
    from rustok.outbox.event_runtime import EventRuntime

    runtime = platform.events
    if not isinstance(runtime, EventRuntime) or not runtime.transport.durable:
        raise ValueError(ONLY_NEEDS_A_BROKER)
    runtime.parts = frozenset({only.value})
    if only is WorkerPart.relay:
        platform.jobs = None
        platform.background = []


async def run_worker(
    platform: Platform, stop: asyncio.Event, only: WorkerPart | None = None
) -> None:
    """Run the event runtime and the periodic jobs until ``stop`` is set (signals set it)."""
    from rustok.migrations import ensure_schema_current

    if only is not None:
        limit_to(platform, only)
    await ensure_schema_current(platform.db)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await platform.start_background()
        # As ``rustok serve`` does (``api.app.freeze_startup_heap``): what start-up built is
        # never garbage, and every full collection walked it. Draining a backlog on
        # PostgreSQL, that was a fifth of the CPU per event.
        gc.freeze()
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


def worker_command(
    only: Annotated[
        WorkerPart | None,
        typer.Option(help="Run only the relay, or only the consumers (behind NATS)."),
    ] = None,
) -> None:
    """Run the outbox relay, the event consumers and the periodic jobs until interrupted."""
    settings = cli_settings()
    if only is not None and settings.event_transport != "nats":
        fail(ONLY_NEEDS_A_BROKER, 2)

    async def work() -> None:
        from rustok.bootstrap import bootstrap
        from rustok.core.tracing import configure_tracing

        configure_tracing(settings)
        metrics = await _metrics_server(settings)
        platform = bootstrap(settings)
        try:
            where = f"; metrics on :{settings.worker_metrics_port}" if metrics else ""
            part = "" if only is None else f", {only.value} only"
            out_console.print(
                f"rustok worker: {settings.event_transport} transport{part}, "
                f"{'sqlite' if settings.is_sqlite else 'postgresql'}{where}; Ctrl-C stops"
            )
            await run_worker(platform, asyncio.Event(), only)
        finally:
            if metrics is not None:
                metrics.close()
            await platform.aclose()

    run(work)
