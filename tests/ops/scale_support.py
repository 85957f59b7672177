"""Pieces of the scale-out test: SQL over asyncpg, a webhook receiver on loopback, the
instances behind a load balancer that skips dead ones, and what the clients saw."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import asyncpg
import httpx

from tests.conftest import run_in_thread
from tests.ops.processes import RustokProcess


async def _fetch(dsn: str, sql: str) -> list[Any]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


def query(dsn: str, sql: str) -> list[Any]:
    return run_in_thread(lambda: _fetch(dsn, sql))


@dataclass
class Receiver:
    """A webhook receiver on loopback: records each request's ``webhook-id``."""

    port: int = 0
    ids: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def received(self) -> list[str]:
        with self.lock:
            return list(self.ids)


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            with receiver.lock:
                receiver.ids.append(self.headers.get("webhook-id", ""))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


class Shop:
    """The instances behind a load balancer that skips dead ones."""

    def __init__(self, instances: list[RustokProcess]) -> None:
        self.instances = instances
        self.down: set[str] = set()
        self._turn = itertools.count()

    def pick(self) -> RustokProcess:
        alive = [i for i in self.instances if i.name not in self.down]
        return alive[next(self._turn) % len(alive)]

    def post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        instance = self.pick()
        return httpx.post(f"{instance.base_url}{path}", json=body, headers=headers, timeout=30)


@dataclass
class Outcome:
    orders: dict[str, str] = field(default_factory=dict)  # cart id -> order id
    answers: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
