"""The span of one webhook attempt: a client span in the trace of the event it delivers.

A delivery's body is the event's envelope, so its ``traceparent`` continues the request
that raised the event (one checkout: HTTP → outbox → consumer → webhook POST). The span
names the receiver's host only: a webhook URL's path or query often holds its secret.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import msgspec
from opentelemetry.trace import SpanKind, Status, StatusCode

from rustok.core.tracing import current_span, span_in_trace, tracing_enabled

if TYPE_CHECKING:
    from rustok.modules.webhooks.attempts import AttemptOutcome
    from rustok.modules.webhooks.claims import ClaimedDelivery


class _Traced(msgspec.Struct):
    traceparent: str | None = None


def delivery_span(delivery: ClaimedDelivery) -> AbstractContextManager[object]:
    """``webhook.deliver`` under the event's trace; a shared no-op when tracing is off."""
    if not tracing_enabled():
        return span_in_trace("webhook.deliver", None, SpanKind.CLIENT)
    host = urlsplit(delivery.url).hostname or ""
    try:
        traceparent = msgspec.json.decode(delivery.body, type=_Traced).traceparent
    except msgspec.DecodeError:
        traceparent = None
    return span_in_trace(
        "webhook.deliver", traceparent, SpanKind.CLIENT,
        **{
            "http.request.method": "POST", "server.address": host,
            "webhook.event_type": delivery.event_type, "webhook.event_id": str(delivery.event_id),
            "webhook.endpoint_id": str(delivery.endpoint_id),
        },
    )  # fmt: skip


def record_attempt(outcome: AttemptOutcome) -> None:
    """The attempt's status code or error on the current ``webhook.deliver`` span."""
    span = current_span()
    if span is None:
        return
    if outcome.status_code is not None:
        span.set_attribute("http.response.status_code", outcome.status_code)
    if outcome.error is not None:
        span.set_status(Status(StatusCode.ERROR, outcome.error[:200]))
