"""The access log line (``RUSTOK_ACCESS_LOG``): one ``info`` line per request on stderr, in
the format of the other logs (``RUSTOK_LOG_FORMAT``: console or JSON) with the same
``timestamp``, ``level`` and ``event`` keys.

Written directly rather than through structlog's processor chain (~45 µs a line), and not on
the request's path either: a request only notes its figures (a tuple appended to a list);
the lines of the next :data:`FLUSH_SECONDS` are formatted together and written in one
``write`` (at once when :data:`MAX_PENDING` are waiting, and when the app shuts down).
Formatting one line in the middle of a request cost ~11 µs and its ``write`` as much again,
about 7 % of a cached storefront read; together, a line costs ~2.5 µs (``bench/overhead.py``).
So an access line may follow a log line written after it (its ``timestamp`` is the
request's end), and a process killed with SIGKILL loses at most the last 0.2 s of them.
Below ``info`` (``RUSTOK_LOG_LEVEL=warning``) there is no access log at all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
from typing import Any

import msgspec

from rustok.core.settings import Settings

FLUSH_SECONDS = 0.2
MAX_PENDING = 256

_ENCODER = msgspec.json.Encoder()


class _JsonLine(msgspec.Struct, gc=False):
    """One JSON access line, its keys in this order (encoded by msgspec in one call for the
    whole batch: half the cost of a dict per line)."""

    method: str
    route: str
    status: int
    duration_ms: float
    request_id: str
    tenant: str | None
    trace_id: str | None
    event: str
    level: str
    logger: str
    timestamp: str


# (end time, method, route, status, seconds, request id, tenant, trace id)
Entry = tuple[float, str, str, int, float, bytes, "str | None", "str | None"]


class AccessLog:
    def __init__(self, json: bool, flush_seconds: float = FLUSH_SECONDS) -> None:
        self._json = json
        self._flush_seconds = flush_seconds
        self._pending: list[Entry] = []
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def of(cls, settings: Settings) -> AccessLog | None:
        """The deployment's access log, or None when it is off or below the log level."""
        if not settings.access_log or settings.log_level not in ("debug", "info"):
            return None
        return cls(json=settings.log_format == "json")

    def write(
        self, method: str, route: str, status: int, seconds: float, request_id: bytes,
        tenant: str | None, trace_id: str | None = None,
    ) -> None:  # fmt: skip
        """Note a finished request; its line is written with the others of the moment."""
        self._pending.append(
            (time.time(), method, route, status, seconds, request_id, tenant, trace_id)
        )
        if len(self._pending) >= MAX_PENDING:
            self.flush()
        elif self._timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop to wait on: write it now
                self.flush()
                return
            self._timer = loop.call_later(self._flush_seconds, self.flush)

    def flush(self) -> None:
        """Write every noted line now (in one ``write``)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self._pending = self._pending, []
        if not pending:
            return
        if self._json:
            sys.stderr.write(_ENCODER.encode_lines([
                _JsonLine(method, route, status, round(seconds * 1000, 2), request_id.decode(),
                          tenant, trace_id, "request", "info", "rustok.access", _timestamp(ended))
                for ended, method, route, status, seconds, request_id, tenant, trace_id in pending
            ]).decode())  # fmt: skip
        else:
            sys.stderr.write("".join([self._console_line(*entry) for entry in pending]))

    @staticmethod
    def _console_line(
        ended: float, method: str, route: str, status: int, seconds: float, request_id: bytes,
        tenant: str | None, trace_id: str | None,
    ) -> str:  # fmt: skip
        return (
            f"{_timestamp(ended)} [info     ] request {method} {route} {status} "
            f"{round(seconds * 1000, 2)} ms request_id={request_id.decode()} "
            f"tenant={tenant or '-'} trace_id={trace_id or '-'}\n"
        )


_second: list[Any] = [None, ""]  # the last whole second formatted, and its text


def _timestamp(seconds: float) -> str:
    """RFC 3339 in UTC with microseconds; the date and time of day formatted once a second
    (``datetime`` formatting was more than half a line's cost)."""
    whole = int(seconds)
    if _second[0] != whole:
        _second[:] = [whole, dt.datetime.fromtimestamp(whole, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")]
    return f"{_second[1]}.{int((seconds - whole) * 1_000_000):06d}Z"
