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
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from litestar import Request, Response

from rustok.modules.index.index_runtime import StorefrontRuntime

T = TypeVar("T")
VARY = "Accept-Language, X-Tenant-ID"
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class JsonAnswer:
    body: bytes
    etag: str


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
        answer = JsonAnswer(body, etag_of(body))
        runtime.cache.put(tenant_id, key, version, answer, len(body))
    headers = {"etag": answer.etag, "cache-control": runtime.cache_control, "vary": VARY}
    if _not_modified(request, answer.etag):
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=answer.body, media_type=JSON, headers=headers)


async def cached_read(
    runtime: StorefrontRuntime, tenant_id: uuid.UUID, key: Any, read: Callable[[], Awaitable[T]]
) -> T:
    """A read's result from the cache, or read and kept (GraphQL resolvers)."""
    value, version = runtime.cache.get(tenant_id, key)
    if value is not None:
        return value  # type: ignore[no-any-return]
    value = await read()
    if value is not None:
        runtime.cache.put(tenant_id, key, version, value, len(msgspec.json.encode(value)))
    return value
