"""Where media bytes live: a small storage contract, a local-disk implementation under
``RUSTOK_MEDIA_ROOT``, an in-memory twin for tests, and an S3-compatible bucket (``s3.py``);
``runtime.py`` picks one from ``RUSTOK_MEDIA_STORAGE``.

Keys are made by the service (``<tenant>/<yyyy>/<mm>/<media id>``) and checked here again,
so no client-supplied name ever becomes part of a path.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO, Protocol

KEY_RE = re.compile(r"^[0-9a-f-]{36}/\d{4}/\d{2}/[0-9a-f-]{36}$")
CHUNK_SIZE = 64 * 1024
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class StoredFileMissing(LookupError):
    """The metadata names a file the storage does not have."""


def media_key(tenant_id: uuid.UUID, media_id: uuid.UUID, year: int, month: int) -> str:
    return f"{tenant_id}/{year:04d}/{month:02d}/{media_id}"


def checked_key(key: str) -> str:
    """``key`` if it is a storage key the service makes, else :class:`ValueError`."""
    if not KEY_RE.match(key):
        raise ValueError(f"not a media storage key: {key!r}")
    return key


class MediaStorage(Protocol):
    """Bytes by key. Implementations must make ``save`` atomic (no half-written files).

    ``stream`` is an async generator: it raises :class:`StoredFileMissing` on its first
    step, before yielding anything, so a response can still become a 404.
    """

    async def save(
        self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE
    ) -> None: ...

    async def read(self, key: str) -> bytes: ...

    def stream(self, key: str) -> AsyncIterator[bytes]: ...

    async def delete(self, key: str) -> None: ...

    async def check(self) -> None:
        """Raise if the storage cannot be written (the module's health probe)."""
        ...


class LocalMediaStorage:
    """Files under a root directory, written to a temporary name and renamed into place."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def _save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    async def save(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        await asyncio.to_thread(self._save, key, data)

    def _read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StoredFileMissing(key) from None

    async def read(self, key: str) -> bytes:
        return await asyncio.to_thread(self._read, key)

    def _open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")  # closed by stream()
        except FileNotFoundError:
            raise StoredFileMissing(key) from None

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        """The file in 64 KiB chunks, each read in a worker thread."""
        handle = await asyncio.to_thread(self._open, key)
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK_SIZE):
                yield chunk
        finally:
            handle.close()

    def _delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)

    def _check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        probe = self.root / f".probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()

    async def check(self) -> None:
        await asyncio.to_thread(self._check)


class MemoryMediaStorage:
    """The in-memory twin (tests, benchmarks)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def save(self, key: str, data: bytes, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        self.files[checked_key(key)] = bytes(data)

    async def read(self, key: str) -> bytes:
        try:
            return self.files[checked_key(key)]
        except KeyError:
            raise StoredFileMissing(key) from None

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        data = await self.read(key)
        for start in range(0, len(data), CHUNK_SIZE):
            yield data[start : start + CHUNK_SIZE]

    async def delete(self, key: str) -> None:
        self.files.pop(checked_key(key), None)

    async def check(self) -> None:
        return None
