"""The loopback receivers of the webhooks bench, in a process of their own (so their CPU is
not billed to the pipeline): ``python -m bench.webhook_receivers``.

A healthy receiver answers 204 at once; a slow one answers 204 after 10 s. The process
prints ``{"healthy": port, "slow": port}`` on a line, then answers commands read from
stdin, one line each, with one line of JSON:

- ``count``: distinct ``webhook-id`` values the healthy receiver has read;
- ``slow``: requests the slow receiver has read;
- ``arrivals``: ``{webhook-id: time.monotonic() of its first arrival}`` at the healthy one
  (``CLOCK_MONOTONIC`` is one clock for every process of the machine);
- ``reset``: forget what both have read.

It exits at the end of stdin.
"""

from __future__ import annotations

import asyncio
import json
import sys

from tests.modules.webhooks.receiver import Receiver, receiving

SLOW_SECONDS = 10.0


def _answer(command: str, healthy: Receiver, slow: Receiver) -> object:
    if command == "count":
        return len(set(healthy.ids()))
    if command == "slow":
        return len(slow.received)
    if command == "arrivals":
        first: dict[str, float] = {}
        for got in healthy.received:
            first.setdefault(got.headers["webhook-id"], got.at)
        return first
    if command == "reset":
        healthy.received.clear()
        slow.received.clear()
        return True
    return {"error": f"unknown command {command!r}"}


def _quiet_on_exit(loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
    """The slow receiver's answers still waiting at exit are cancelled: not worth a trace."""
    if not isinstance(context.get("exception"), asyncio.CancelledError):
        loop.default_exception_handler(context)


async def serve() -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_quiet_on_exit)
    commands = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    async with receiving(status=204) as healthy, receiving(status=204, delay=SLOW_SECONDS) as slow:
        print(json.dumps({"healthy": healthy.port, "slow": slow.port}), flush=True)
        while line := await commands.readline():
            print(json.dumps(_answer(line.decode().strip(), healthy, slow)), flush=True)


if __name__ == "__main__":
    asyncio.run(serve())
