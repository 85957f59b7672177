"""Media in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, ...): four plain calls (PUT,
GET, DELETE, HEAD bucket) over httpx, signed with botocore's SigV4 signer.

Why not boto3 or aiobotocore: boto3 costs ~0.6 s of import plus ~0.3 s per client (measured
here) and is synchronous (a thread per call); aiobotocore brings aiohttp, a second HTTP
stack, and pins botocore tightly. The signer is the part worth not writing by hand; httpx
is already ours, async, and streams. botocore is imported when this storage is built, i.e.
only with ``RUSTOK_MEDIA_STORAGE=s3``.

Every call is bounded by ``asyncio.timeout`` (``RUSTOK_MEDIA_S3_TIMEOUT_SECONDS``; httpx's
own timeouts bound each read of a streamed body) and goes through one
:class:`CircuitBreaker` (``media_s3``). Transport errors, timeouts, 5xx and other
unexpected answers are failures and leave as :class:`MediaStorageUnavailable` (503); a
missing object is :class:`StoredFileMissing`, not a failure. Payloads are SHA-256 signed.
Addressing: path style (``<endpoint>/<bucket>/<key>``) with an endpoint, else AWS's
virtual-hosted style (path style for bucket names with dots, which TLS cannot cover).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Literal

import httpx
import msgspec
from opentelemetry.trace import SpanKind

from rustok.core.logging import get_logger
from rustok.core.resilience import CircuitBreaker, CircuitOpenError
from rustok.core.tracing import child_span, current_span
from rustok.modules.content.errors import MediaStorageUnavailable
from rustok.modules.content.media.storage import (
    CHUNK_SIZE,
    DEFAULT_CONTENT_TYPE,
    StoredFileMissing,
    checked_key,
)
from rustok.modules.content.settings import ContentSettings

_log = get_logger("rustok.content.media.s3")
_ERROR_CODE = re.compile(rb"<Code>([^<]{1,64})</Code>")
NotFound = Literal["failure", "missing", "ok"]


class S3Config(msgspec.Struct, frozen=True, kw_only=True):
    bucket: str
    region: str
    endpoint: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: ContentSettings) -> S3Config:
        assert settings.media_s3_bucket is not None  # settings require it with s3
        return cls(
            bucket=settings.media_s3_bucket,
            region=settings.media_s3_region,
            endpoint=settings.media_s3_endpoint,
            access_key_id=settings.media_s3_access_key_id,
            secret_access_key=settings.media_s3_secret_access_key,
            timeout=settings.media_s3_timeout_seconds,
        )

    def url(self, key: str = "") -> str:
        if self.endpoint:
            return f"{self.endpoint.rstrip('/')}/{self.bucket}/{key}"
        if "." in self.bucket:
            return f"https://s3.{self.region}.amazonaws.com/{self.bucket}/{key}"
        return f"https://{self.bucket}.s3.{self.region}.amazonaws.com/{key}"


class _Failure(Exception):
    """A call the breaker counts as the bucket's failure."""


class S3MediaStorage:
    """The :class:`~rustok.modules.content.media.storage.MediaStorage` of one bucket."""

    def __init__(
        self,
        config: S3Config,
        *,
        breaker: CircuitBreaker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        self.config = config
        self._auth_class = S3SigV4Auth
        self._request_class = AWSRequest
        self._credentials: Any = (
            Credentials(config.access_key_id, config.secret_access_key)
            if config.access_key_id
            else None
        )
        self._breaker = breaker or CircuitBreaker("media_s3", failure_types=(_Failure,))
        self._client = httpx.AsyncClient(timeout=config.timeout, transport=transport)

    def _signed_headers(
        self, method: str, url: str, body: bytes, headers: dict[str, str]
    ) -> dict[str, str]:
        """SigV4 headers (in a worker thread: hashing a large body, refreshing credentials)."""
        if self._credentials is None:  # AWS_* variables, shared config, instance role
            from botocore.session import get_session

            self._credentials = get_session().get_credentials()
            if self._credentials is None:
                raise MediaStorageUnavailable("no S3 credentials: set the media S3 keys")
        credentials = self._credentials.get_frozen_credentials()
        request = self._request_class(method=method, url=url, data=body, headers=headers)
        self._auth_class(credentials, "s3", self.config.region).add_auth(request)
        return {name: str(value) for name, value in request.headers.items()}

    async def _call(
        self,
        method: str,
        url: str,
        *,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        stream: bool = False,
        absent: NotFound = "failure",
    ) -> httpx.Response:
        """One signed request through the breaker, answered 2xx; a 404 of a missing object
        (not bucket) is ``absent``: a failure, :class:`StoredFileMissing`, or fine."""

        async def attempt() -> httpx.Response:
            signed = await asyncio.to_thread(self._signed_headers, method, url, body, headers or {})
            request = self._client.build_request(method, url, content=body, headers=signed)
            # The bucket's host only: object keys name tenants and uploads.
            with child_span(f"s3 {method}", SpanKind.CLIENT, **{
                "http.request.method": method, "server.address": request.url.host,
                "aws.s3.bucket": self.config.bucket,
            }):  # fmt: skip
                try:
                    async with asyncio.timeout(self.config.timeout):
                        response = await self._client.send(request, stream=stream)
                except (httpx.HTTPError, TimeoutError) as exc:
                    raise _Failure(f"{method} failed: {type(exc).__name__} {exc}".strip()) from exc
                span = current_span()
                if span is not None:
                    span.set_attribute("http.response.status_code", response.status_code)
            if response.is_success:
                return response
            code = await _error_of(response)
            if response.status_code == 404 and code != "NoSuchBucket" and absent != "failure":
                if absent == "missing":
                    raise StoredFileMissing(url)
                return response
            raise _Failure(f"{method} answered {response.status_code} {code}".strip())

        return await _through(self._breaker, attempt, self.config.bucket)

    async def save(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        response = await self._call(
            "PUT", self.config.url(checked_key(key)), body=data,
            headers={"Content-Type": content_type},
        )  # fmt: skip
        await response.aclose()

    async def read(self, key: str) -> bytes:
        response = await self._call("GET", self.config.url(checked_key(key)), absent="missing")
        return response.content

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        url = self.config.url(checked_key(key))
        response = await self._call("GET", url, stream=True, absent="missing")
        try:
            async for chunk in response.aiter_bytes(CHUNK_SIZE):
                yield chunk
        except httpx.HTTPError as exc:  # the response already started: it ends short
            _log.warning("media stream from S3 broke off", key=key, error=str(exc))
            raise MediaStorageUnavailable("the media storage stopped sending the file") from exc
        finally:
            await response.aclose()

    async def delete(self, key: str) -> None:
        url = self.config.url(checked_key(key))
        response = await self._call("DELETE", url, absent="ok")
        await response.aclose()

    async def check(self) -> None:
        """The bucket answers HEAD with these credentials."""
        response = await self._call("HEAD", self.config.url())
        await response.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()


async def _error_of(response: httpx.Response) -> str:
    """The S3 error code of a refused call (``NoSuchBucket``, ``AccessDenied``, ...)."""
    body = await response.aread()
    await response.aclose()
    found = _ERROR_CODE.search(body[:4096])
    return found.group(1).decode("ascii", "replace") if found else ""


async def _through(
    breaker: CircuitBreaker, attempt: Callable[[], Awaitable[httpx.Response]], bucket: str
) -> httpx.Response:
    try:
        return await breaker.call(attempt)
    except (_Failure, CircuitOpenError) as exc:
        _log.warning("media storage call failed", bucket=bucket, error=str(exc))
        raise MediaStorageUnavailable(f"media storage unavailable: {exc}") from exc
