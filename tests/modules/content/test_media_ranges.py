"""Byte ranges and HEAD on the public media URL: 206 with Content-Range for one range, 416
past the end, the whole file for what is not served (several ranges, another unit, a stale
If-Range); HEAD gives GET's headers without the body."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from rustok.core.platform import Platform
from rustok.modules.content.errors import RangeNotSatisfiable
from rustok.modules.content.media.ranges import byte_range, requested_range
from tests.modules.content.media_samples import png
from tests.modules.content.test_media import upload_raw
from tests.modules.helpers import login_as

PNG = png(40, 30)


async def _public(client: httpx.AsyncClient, platform: Platform) -> str:
    admin = await login_as(client, platform, "admin")
    uploaded = await upload_raw(client, admin, data=PNG)
    assert uploaded.status_code == 201, uploaded.text
    url: str = uploaded.json()["url"]
    return url


async def test_one_range_is_206(client: httpx.AsyncClient, platform: Platform) -> None:
    url, size = await _public(client, platform), len(PNG)
    whole = await client.get(url)
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    for header, first, last in (
        ("bytes=0-9", 0, 9), ("bytes=10-", 10, size - 1), ("bytes=-5", size - 5, size - 1),
        (f"bytes=5-{size * 2}", 5, size - 1), ("bytes=-100000", 0, size - 1),
    ):  # fmt: skip
        part = await client.get(url, headers={"Range": header})
        assert part.status_code == 206, (header, part.text)
        assert part.content == PNG[first : last + 1], header
        assert part.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert part.headers["content-length"] == str(last - first + 1)
        assert part.headers["etag"] == whole.headers["etag"]
    matching = await client.get(
        url, headers={"Range": "bytes=0-3", "If-Range": whole.headers["etag"]}
    )
    assert matching.status_code == 206 and matching.content == PNG[:4]


async def test_past_the_end_is_416(client: httpx.AsyncClient, platform: Platform) -> None:
    url, size = await _public(client, platform), len(PNG)
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        refused = await client.get(url, headers={"Range": header})
        assert refused.status_code == 416, header
        assert refused.headers["content-range"] == f"bytes */{size}"
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "RANGE_NOT_SATISFIABLE"


async def test_what_is_not_served_is_the_whole_file(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    url = await _public(client, platform)
    for headers in (
        {"Range": "bytes=0-1,4-5"}, {"Range": "items=0-1"}, {"Range": "bytes=9-2"},
        {"Range": "bytes=x"}, {"Range": "bytes=-"},
        {"Range": "bytes=0-1", "If-Range": '"another-version"'},
    ):  # fmt: skip
        answer = await client.get(url, headers=headers)
        assert answer.status_code == 200, headers
        assert answer.content == PNG and "content-range" not in answer.headers


async def test_head_gives_the_headers_of_get(client: httpx.AsyncClient, platform: Platform) -> None:
    url = await _public(client, platform)
    head = await client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(PNG))
    assert head.headers["accept-ranges"] == "bytes" and head.headers["etag"]
    part = await client.head(url, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == b""
    assert part.headers["content-range"] == f"bytes 0-9/{len(PNG)}"


@pytest.mark.sql_free
async def test_byte_range_across_chunks() -> None:
    data = bytes(range(100))

    async def chunks() -> AsyncIterator[bytes]:
        for n in range(0, 100, 7):
            yield data[n : n + 7]

    for first, last in ((0, 99), (3, 3), (6, 7), (13, 70), (98, 99)):
        got = b"".join([c async for c in byte_range(chunks(), first, last)])
        assert got == data[first : last + 1], (first, last)
    assert requested_range(None, 10) is None and requested_range("bytes=3-", 10) == (3, 9)
    with pytest.raises(RangeNotSatisfiable):
        requested_range("bytes=10-", 10)
