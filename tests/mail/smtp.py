"""SMTP servers for the mail tests: an aiosmtpd sink that may refuse, and one that hangs."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.header
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


def part_of(message: email.message.Message, content_type: str) -> str:
    """The decoded ``text/plain`` or ``text/html`` part of a (multipart) mail."""
    for part in message.walk():
        if part.get_content_type() == content_type:
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no {content_type} part in {message.get_content_type()} mail")


def body_of(message: email.message.Message) -> str:
    return part_of(message, "text/plain")


def html_of(message: email.message.Message) -> str:
    return part_of(message, "text/html")


def subject_of(message: email.message.Message) -> str:
    """The decoded Subject header (non-ASCII subjects travel RFC 2047-encoded)."""
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


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


class HoldingSink(SmtpSink):
    """Once ``hold_next`` is set, holds the DATA of the next mail — and of any other that
    arrives meanwhile — without an answer until ``release``; held mails are then refused, so
    only mails answered 250 count. Thread-safe flags: the sink runs in aiosmtpd's thread."""

    def __init__(self) -> None:
        super().__init__()
        self.hold_next = threading.Event()
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hold_next.is_set():
            self.hold_next.clear()
            self.release.clear()
            self.holding.set()
        if self.holding.is_set():
            try:
                # A threading.Event (set from the test's thread): polled, not awaited.
                while not self.release.is_set():  # noqa: ASYNC110
                    await asyncio.sleep(0.02)
            finally:  # also when aiosmtpd cancels the handler of a client that died
                self.holding.clear()
            return "451 4.3.0 held and dropped"
        return await super().handle_DATA(server, session, envelope)
