"""``rustok worker`` freezes its start-up heap once its event runtime runs, as ``rustok
serve`` does: full collections then walk only what the events allocate."""

from __future__ import annotations

import asyncio
import gc

import pytest

from rustok.cli.worker import run_worker
from rustok.core.platform import Platform
from rustok.outbox.event_runtime import EventRuntime
from tests.outbox.support import wait_until


async def test_the_worker_freezes_its_start_up_heap(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = platform.events
    assert isinstance(runtime, EventRuntime)
    frozen: list[bool] = []  # whether the event runtime ran when the heap was frozen
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(runtime.started))
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(platform, stop))

    async def froze() -> bool:
        return bool(frozen) or worker.done()

    try:
        await wait_until(froze, what="the worker's start")
    finally:
        stop.set()
        await worker
    assert frozen == [True]
