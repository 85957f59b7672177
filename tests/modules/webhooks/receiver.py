"""A real HTTP receiver on loopback for the webhook tests (stdlib asyncio, HTTP/1.1).

It records every request (headers and raw body) and answers with a status, after a delay,
as the test sets them — per receiver, or per attempt through ``answers``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    port: int = 0
    status: int = 200
    delay: float = 0.0
    extra_headers: dict[str, str] = field(default_factory=dict)
    reply: bytes = b"ok"
    # Per request, in order: (status, delay); when exhausted, ``status``/``delay`` apply.
    answers: list[tuple[int, float]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    on_request: Callable[[Received], None] | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    writers: set[asyncio.StreamWriter] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                _, path, _ = line.decode().split(" ", 2)
                headers: dict[str, str] = {}
                while (raw := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = raw.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                got = Received(path, headers, body, time.monotonic())
                self.received.append(got)
                self.arrived.set()
                if self.on_request is not None:
                    self.on_request(got)
                status, delay = self.answers.pop(0) if self.answers else (self.status, self.delay)
                if delay:
                    await asyncio.sleep(delay)
                extra = "".join(f"{k}: {v}\r\n" for k, v in self.extra_headers.items())
                reply = b"" if status in (204, 304) else self.reply  # no body allowed
                writer.write(
                    f"HTTP/1.1 {status} X\r\ncontent-length: {len(reply)}\r\n{extra}\r\n".encode()
                    + reply
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            return
        finally:
            self.writers.discard(writer)
            writer.close()


@asynccontextmanager
async def receiving(**options: object) -> AsyncIterator[Receiver]:
    receiver = Receiver(**options)  # type: ignore[arg-type]
    server = await asyncio.start_server(receiver._serve, "127.0.0.1", 0)
    receiver.port = server.sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        server.close()
        for writer in list(receiver.writers):
            writer.close()
        await server.wait_closed()
