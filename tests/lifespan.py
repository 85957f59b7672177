"""Drive an ASGI app's lifespan from a background task (start-up and shutdown messages).

Running it in its own task keeps the app's task-bound context managers (anyio scopes) in
one task, whatever tasks the test framework uses for fixture set-up and teardown.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any


class LifespanManager:
    def __init__(self, app: Any) -> None:
        self._app = app
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        await self._app(scope, self._to_app.get, self._from_app.put)

    async def _expect(self, kind: str) -> None:
        message = await asyncio.wait_for(self._from_app.get(), timeout=30)
        if message["type"] != kind:
            assert self._task is not None
            # Collect the app's own exception so it is not reported as never retrieved, and
            # name it first: a truncated CI log keeps the head of the message.
            (raised,) = await asyncio.gather(self._task, return_exceptions=True)
            raise RuntimeError(f"lifespan: {raised!r}; expected {kind}, got {message}")

    async def __aenter__(self) -> LifespanManager:
        self._task = asyncio.create_task(self._run())
        await self._to_app.put({"type": "lifespan.startup"})
        await self._expect("lifespan.startup.complete")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._task is not None
        await self._to_app.put({"type": "lifespan.shutdown"})
        await self._expect("lifespan.shutdown.complete")
        await self._task
