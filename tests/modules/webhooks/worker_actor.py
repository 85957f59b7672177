"""The worker of the webhook crash test: ``python -m tests.modules.webhooks.worker_actor``.

The real ``rustok worker`` loop (relay, consumers with ``webhooks.dispatch``, the webhook
sender), settings from the environment, with the test's event type in the catalogue.
"""

from __future__ import annotations

import asyncio

from rustok.bootstrap import bootstrap, load_all_settings
from rustok.cli.worker import run_worker
from rustok.core.logging import configure_logging
from tests.outbox.support import Ticked

assert Ticked.event_type == "test.ticked"  # imported for the catalogue


async def work() -> None:
    platform = bootstrap(load_all_settings(warn=False))
    try:
        await run_worker(platform, asyncio.Event())
    finally:
        await platform.aclose()


if __name__ == "__main__":
    configure_logging("console", "warning")
    asyncio.run(work())
