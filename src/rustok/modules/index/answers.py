"""Storefront answers from the answer cache: JSON bytes with an ``ETag`` (REST), or the
read's result (GraphQL), per tenant and normalised request (``core/read_cache.py``).

A cached REST answer is the exact bytes the first request got. ``If-None-Match`` with the
current ``ETag`` gets ``304 Not Modified``. ``Cache-Control`` is ``no-cache`` unless
``RUSTOK_STOREFRONT_MAX_AGE`` (and ``RUSTOK_STOREFRONT_STALE_WHILE_REVALIDATE``) let shared
caches keep answers; ``Vary`` names the headers an answer depends on.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from litestar import Request, Response
from litestar.response.base import ASGIResponse
from litestar.types import Receive, Scope, Send

from rustok.modules.index.index_runtime import StorefrontRuntime

T = TypeVar("T")
VARY = "Accept-Language, X-Tenant-ID"
JSON = "application/json"


class _Sent(ASGIResponse):
    """An answer whose status, headers and body were encoded once, when it was cached:
    Litestar's ``Response`` builds and encodes them again on every request."""

    __slots__ = ("_headers",)

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        # Not the parent's __init__: __call__ below is all this answer does.
        self.status_code = status
        self.body = body
        self._headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A fresh list: the middlewares add their headers to the message (HEAD is GET
        # here: ``api/head.py`` drops the body).
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": list(self._headers)})  # fmt: skip
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


class ReadyResponse(Response[Any]):
    """What a handler returns for a cached answer: hands Litestar the encoded one."""

    __slots__ = ("_sent",)

    def __init__(self, sent: _Sent) -> None:  # nothing of Response's own state is used
        self._sent = sent

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        return self._sent


def _ready(status: int, headers: dict[str, str], body: bytes) -> ReadyResponse:
    encoded = [(name.encode(), value.encode("latin-1")) for name, value in headers.items()]
    if status == 200:
        encoded += [(b"content-type", JSON.encode()), (b"content-length", b"%d" % len(body))]
    return ReadyResponse(_Sent(status, encoded, body))


class JsonAnswer:
    """An answer's 200 (with the body), and its 304 built on the first ``If-None-Match``
    that matches: an answer read once (uncached) needs none."""

    __slots__ = ("_headers", "_not_modified", "etag", "ok")

    def __init__(self, body: bytes, cache_control: str) -> None:
        self.etag = etag_of(body)
        self._headers = {"etag": self.etag, "cache-control": cache_control, "vary": VARY}
        self.ok = _ready(200, self._headers, body)
        self._not_modified: ReadyResponse | None = None

    def not_modified(self) -> ReadyResponse:
        if self._not_modified is None:
            self._not_modified = _ready(304, self._headers, b"")
        return self._not_modified


def etag_of(body: bytes) -> str:
    digest = hashlib.blake2b(body, digest_size=12).digest()
    return '"' + base64.urlsafe_b64encode(digest).decode() + '"'


def _not_modified(request: Request[Any, Any, Any], etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


async def json_answer(
    request: Request[Any, Any, Any], runtime: StorefrontRuntime, tenant_id: uuid.UUID,
    key: Any, produce: Callable[[], Awaitable[msgspec.Struct]],
) -> Response[Any]:  # fmt: skip
    """The answer to a storefront GET: cached bytes, or ``produce()`` encoded and kept."""
    answer, version = runtime.cache.get(tenant_id, key)
    if not isinstance(answer, JsonAnswer):
        body = msgspec.json.encode(await produce())
        answer = JsonAnswer(body, runtime.cache_control)
        runtime.cache.put(tenant_id, key, version, answer, len(body))
    return answer.not_modified() if _not_modified(request, answer.etag) else answer.ok


async def cached_read(
    runtime: StorefrontRuntime, tenant_id: uuid.UUID, key: Any, read: Callable[[], Awaitable[T]]
) -> T:
    """A read's result from the cache, or read and kept (GraphQL resolvers)."""
    value, version = runtime.cache.get(tenant_id, key)
    if value is not None:
        return value  # type: ignore[no-any-return]
    value = await read()
    if value is not None and version is not None:  # None: not kept, so not weighed
        runtime.cache.put(tenant_id, key, version, value, len(msgspec.json.encode(value)))
    return value
