"""O-3: the media storage's calls to S3 (outgoing HTTP) are client spans of the request's
trace, carrying the bucket's host and the answer's status but never the object's key."""

from __future__ import annotations

import uuid

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from rustok.core import tracing
from rustok.modules.content.errors import MediaStorageUnavailable
from rustok.modules.content.media.s3 import S3Config, S3MediaStorage
from rustok.modules.content.media.storage import StoredFileMissing, media_key

TENANT = uuid.UUID("7e7a7e7a-0000-4000-8000-000000000001")
KEY = media_key(TENANT, uuid.UUID("0ed1a000-0000-4000-8000-000000000002"), 2026, 12)
CONFIG = S3Config(bucket="media", region="us-east-1", endpoint="http://s3.test:9000",
                  access_key_id="AKIDEXAMPLE", secret_access_key="secret")  # fmt: skip


def _bucket(request: httpx.Request) -> httpx.Response:
    """PUT stores; GET finds nothing; the connection of anything else is refused."""
    if request.method == "PUT":
        return httpx.Response(200)
    if request.method == "GET":
        return httpx.Response(404, content=b"<Error><Code>NoSuchKey</Code></Error>")
    raise httpx.ConnectError("refused", request=request)


@pytest.mark.sql_free
async def test_s3_calls_are_client_spans_of_the_request(exporter: InMemorySpanExporter) -> None:
    storage = S3MediaStorage(CONFIG, transport=httpx.MockTransport(_bucket))
    try:
        with tracing.span("POST /api/content/media", SpanKind.SERVER):
            await storage.save(KEY, b"\x89PNG", "image/png")
            with pytest.raises(StoredFileMissing):
                await storage.read(KEY)
        await storage.save(KEY, b"\x89PNG")  # outside any recorded span: no span
    finally:
        await storage.aclose()

    spans = exporter.get_finished_spans()
    (server,) = [s for s in spans if s.kind is SpanKind.SERVER]
    calls = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert [s.name for s in calls] == ["s3 PUT", "s3 GET"]
    for call, status in zip(calls, (200, 404), strict=True):
        assert call.parent is not None and call.parent.span_id == server.context.span_id
        assert dict(call.attributes or {}) == {
            "http.request.method": call.name.removeprefix("s3 "), "server.address": "s3.test",
            "aws.s3.bucket": "media", "http.response.status_code": status,
        }  # fmt: skip
        assert str(TENANT) not in str(call.attributes)


@pytest.mark.sql_free
async def test_a_failed_s3_call_is_an_error_span(exporter: InMemorySpanExporter) -> None:
    storage = S3MediaStorage(CONFIG, transport=httpx.MockTransport(_bucket))
    try:
        with (
            tracing.span("DELETE /api/content/media/{id}", SpanKind.SERVER),
            pytest.raises(MediaStorageUnavailable),
        ):
            await storage.delete(KEY)
    finally:
        await storage.aclose()
    (call,) = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.CLIENT]
    assert call.name == "s3 DELETE"
    assert call.status.status_code is StatusCode.ERROR
    assert "http.response.status_code" not in (call.attributes or {})
