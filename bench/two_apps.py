"""Two rustok apps in one served process, chosen per request by a header (``bench/overhead.py``).

``granian --factory bench.two_apps:access_log_pair`` serves two apps built as ``rustok serve``
builds its one (``rustok.api.asgi``), from the same environment except the access log: off
for requests with ``X-Bench-Side: of``, on for ``X-Bench-Side: on``. Two servers differ by
more than their setting (where each lands in memory and on the CPUs: a few percent, round to
round); two apps in one process share all of that, and are still served over HTTP by Granian.
Both sides send the header, of one size, so choosing costs both alike.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from rustok.core.types import Receive, Scope, Send

SIDE_HEADER = b"x-bench-side"
ON = b"on"
OFF = b"of"


class BySide:
    """Sends each request to ``on`` or ``off`` by :data:`SIDE_HEADER`; runs both lifespans."""

    def __init__(self, off: Any, on: Any) -> None:
        self.off = off
        self.on = on

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        app = self.off
        for name, value in scope["headers"]:
            if name == SIDE_HEADER:
                if value == ON:
                    app = self.on
                break
        await app(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        from tests.lifespan import LifespanManager

        async with contextlib.AsyncExitStack() as stack:
            await receive()  # lifespan.startup
            for app in (self.off, self.on):
                await stack.enter_async_context(LifespanManager(app))
            await send({"type": "lifespan.startup.complete"})
            await receive()  # lifespan.shutdown
        await send({"type": "lifespan.shutdown.complete"})


def access_log_pair() -> BySide:
    from rustok.api.asgi import app_from_env

    apps = []
    for flag in ("false", "true"):
        os.environ["RUSTOK_ACCESS_LOG"] = flag
        apps.append(app_from_env())
    return BySide(*apps)
