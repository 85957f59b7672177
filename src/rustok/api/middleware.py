"""The outermost ASGI layer: request id, trace context, request context, HTTP metrics and
the access log.

It wraps the whole Litestar app (not a per-route middleware), so it also sees requests that
match no route, and it reads the matched route *template* from the scope after routing —
metric labels and access log lines never contain raw paths (nor query strings, which may
carry tokens). It is deliberately small: it runs on every request.

The access log (``RUSTOK_ACCESS_LOG``, on by default; ``access_log.py``) is one ``info``
line per request: method, route template, status, duration in ms, request id and tenant slug
(which the tenant middleware leaves in the scope under :data:`TENANT_SCOPE_KEY`, since its
context is reset before this layer logs).
"""

from __future__ import annotations

import random
import re
import time
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from prometheus_client import Counter, Histogram

from rustok.api.access_log import AccessLog
from rustok.core.context import RequestContext, reset_context, set_context
from rustok.core.metrics import HTTP_DURATION, HTTP_IN_FLIGHT, HTTP_REQUESTS
from rustok.core.net import TrustedProxies
from rustok.core.telemetry import ids_of
from rustok.core.tracing import begin_request, end_request

if TYPE_CHECKING:
    from rustok.core.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
_REQUEST_ID_RE = re.compile(rb"^[A-Za-z0-9._:\-]{8,128}$")
UNMATCHED_ROUTE = "<unmatched>"
TENANT_SCOPE_KEY = "rustok.tenant"
# Crockford's base32 (the ULID alphabet), two characters for each 10 bits.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [(_CROCKFORD[n >> 5] + _CROCKFORD[n & 31]).encode() for n in range(1024)]
_SHIFTS = tuple(range(120, -1, -10))
# Methods a metric label may carry; any other (a client may send any token) is one series.
KNOWN_METHODS = frozenset(
    ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
)
OTHER_METHOD = "_OTHER"


def new_request_id() -> bytes:
    """A ULID (milliseconds + 80 random bits) for a request that brought no id of its own.

    Not ``core.ids.new_id``: a request id needs no secret randomness (it is sent back and
    logged) nor order within a millisecond, and reading the OS's random source and the ULID
    library's encoder cost more than the rest of this middleware. ``random`` reseeds itself
    in each forked worker. The 130 bits (two zero bits above the 128) are written ten at a
    time from a table: 26 characters, as ``str(ULID)``; ``base64.b32encode`` is Python code
    on 3.11 and cost 3× as much.
    """
    value = (time.time_ns() // 1_000_000) << 80 | random.getrandbits(80)
    return b"".join([_PAIRS[(value >> shift) & 0x3FF] for shift in _SHIFTS])


class RequestContextMiddleware:
    def __init__(
        self, app: ASGIApp, proxies: TrustedProxies | None = None, *,
        access_log: AccessLog | None = None,
    ) -> None:  # fmt: skip
        self.app = app
        self.proxies = proxies or TrustedProxies(())
        self.access_log = access_log
        # The metric series of each (method, route, status): ``labels()`` takes a lock and
        # hashes the labels on every call. Bounded: known methods, route templates, statuses.
        self._series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = b""
        traceparent = ""
        forwarded_for = ""
        for name, value in scope["headers"]:
            if name == REQUEST_ID_HEADER:
                request_id = value
            elif name == b"traceparent":
                traceparent = value.decode("latin-1")
            elif name == b"x-forwarded-for":
                forwarded_for = value.decode("latin-1")
        if not _REQUEST_ID_RE.match(request_id):
            request_id = new_request_id()
        trace_context, span = begin_request(traceparent, scope["method"])
        otel_token = otel_context.attach(trace_context)
        client = scope.get("client")
        peer = client[0] if client else None
        client_ip = (
            self.proxies.client_ip(peer, {"x-forwarded-for": forwarded_for})
            if forwarded_for
            else peer
        )
        trace_id, request_traceparent = ids_of(trace_context)
        ctx_token = set_context(
            RequestContext(
                request_id=request_id.decode(),
                trace_id=trace_id,
                traceparent=request_traceparent,
                client_ip=client_ip,
            )
        )
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (REQUEST_ID_HEADER, request_id)]
            await send(message)

        HTTP_IN_FLIGHT.inc()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            HTTP_IN_FLIGHT.dec()
            route = scope.get("path_template") or UNMATCHED_ROUTE
            method = scope["method"]
            series = self._series.get((method, route, status))
            if series is None:
                series = self._series_of(method, route, status)
            series[0].inc()
            series[1].observe(elapsed)
            if span is not None:
                end_request(span, method, route, status)
            if self.access_log is not None:
                tenant = scope.get(TENANT_SCOPE_KEY)
                self.access_log.write(method, route, status, elapsed, request_id, tenant, trace_id)
            reset_context(ctx_token)
            otel_context.detach(otel_token)

    def _series_of(self, method: str, route: str, status: int) -> tuple[Counter, Histogram]:
        label = method if method in KNOWN_METHODS else OTHER_METHOD
        series = (
            HTTP_REQUESTS.labels(label, route, str(status)),
            HTTP_DURATION.labels(label, route),
        )
        if label == method:  # other methods are not remembered: they are unbounded
            self._series[(method, route, status)] = series
        return series
