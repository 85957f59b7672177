"""Stopping background tasks that may be in the middle of a unit of work.

Cancelling a task between a side effect (a payment voided, an event handled) and its commit
throws that work away to be redone, so busy tasks get a short grace to finish the item in
hand; they check their stop flag before taking the next one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from typing import Any

STOP_GRACE_SECONDS = 5.0


async def finish_or_cancel(tasks: Collection[asyncio.Task[Any]], grace: float) -> None:
    """Wait up to ``grace`` seconds for ``tasks`` to end, cancel the late ones, reap all."""
    if not tasks:
        return
    _, late = await asyncio.wait(tasks, timeout=grace)
    for task in late:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
