"""``/metrics`` of ``rustok worker`` on its own port (``RUSTOK_WORKER_METRICS_PORT``).

A worker serves no API, but its relay, consumers and jobs record the event metrics that
alerts watch; Prometheus scrapes them here. A minimal HTTP/1.1 server on the worker's event
loop: ``GET /metrics`` answers the exposition, anything else 404; one request per
connection, a request head larger than 8 KiB or slower than 5 s is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib

from rustok.core.metrics import render_metrics

MAX_HEAD_BYTES = 8192
HEAD_TIMEOUT_SECONDS = 5.0


def _response(status: str, body: bytes, content_type: str) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_SECONDS)
        method, target, *_ = head.split(b"\r\n", 1)[0].split(b" ")
        path = target.split(b"?", 1)[0]
        if method in (b"GET", b"HEAD") and path == b"/metrics":
            body, content_type = render_metrics()
            answer = _response("200 OK", b"" if method == b"HEAD" else body, content_type)
        else:
            answer = _response("404 Not Found", b"not found\n", "text/plain; charset=utf-8")
        writer.write(answer)
        await writer.drain()
    except (TimeoutError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass  # a slow, oversized or malformed request: drop the connection
    except ConnectionError:
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def start_metrics_server(host: str, port: int) -> asyncio.Server:
    """Listen on ``host:port``; the caller closes the returned server."""
    return await asyncio.start_server(_answer, host, port, limit=MAX_HEAD_BYTES)
