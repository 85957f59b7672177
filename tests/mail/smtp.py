"""SMTP servers for the mail tests: an aiosmtpd sink that may refuse, and one that hangs."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.message
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller

from tests.services import free_port

TOKEN_RE = re.compile(r"token \(valid [^)]+\): (\S+)")


class SmtpSink:
    """Accepts mail, after refusing the first ``refuse`` DATA commands with ``reply``."""

    def __init__(self, refuse: int = 0, reply: str = "451 4.3.0 try again later") -> None:
        self.messages: list[email.message.Message] = []
        self.refused = 0
        self._refuse = refuse
        self._reply = reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refused < self._refuse:
            self.refused += 1
            return self._reply
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, limit: float = 10.0) -> email.message.Message:
        deadline = asyncio.get_running_loop().time() + limit
        while asyncio.get_running_loop().time() < deadline:
            if found := self.to(address):
                return found[0]
            await asyncio.sleep(0.02)
        raise AssertionError(f"no mail to {address}")


def body_of(message: email.message.Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def token_in(message: email.message.Message) -> str:
    match = TOKEN_RE.search(body_of(message))
    assert match, body_of(message)
    return match.group(1)


@contextmanager
def smtp_sink(sink: SmtpSink) -> Iterator[int]:
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


class HungSmtpServer:
    """Accepts connections and never says a word (no greeting): a frozen mail server."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections.append(conn)

    def received(self) -> int:
        """Bytes clients sent so far (a client waiting for the greeting sends none)."""
        total = 0
        for conn in list(self.connections):
            with contextlib.suppress(BlockingIOError):
                total += len(conn.recv(65536, socket.MSG_PEEK | socket.MSG_DONTWAIT))
        return total

    def __enter__(self) -> HungSmtpServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self.connections:
            conn.close()
        self._listener.close()
