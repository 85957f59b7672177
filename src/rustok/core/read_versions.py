"""Per-tenant versions of the read models, shared by every process of one host.

A response cache may keep an answer only while the read models it came from are unchanged.
Each tenant has a counter in a small memory-mapped file (under ``RUSTOK_DATA_DIR``, or
beside a SQLite database file, see ``read_cache.versions_location``); a
transaction that wrote a tenant's read-model rows bumps it inside ``commit()`` (a session
``after_commit`` hook, so ``commit()`` returns only after the bump). A reader takes the
version *before* it reads the database and stores its answer under that version; an
answer is served only while the version is unchanged. So on one host no read issued after a
projector's commit returns is answered from before it, on any worker.

File layout: a 32-byte header (magic, a random id of the file — "this host" —, a global
generation and its complement) and ``SLOTS`` slots of 32 bytes (the tenant's 16 UUID bytes,
its counter and the counter's complement), found by open addressing. A counter is written
before its complement and both are read together: a reader that sees a half-written pair
uses no cache for that read. Writers take an exclusive ``flock``. When every slot is taken
the global generation is bumped instead (every tenant's answers expire, none is stale).
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import secrets
import struct
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

MAGIC = b"RTKRV001"
HEADER = 32
SLOT = 32
SLOTS = 16_384
FILE_SIZE = HEADER + SLOT * SLOTS
FILE_NAME = "read-model-versions"
_MASK = 2**64 - 1
_PAIR = struct.Struct("<QQ")
_EMPTY = bytes(16)

Version = tuple[int, int]  # (global generation, tenant counter)


class ReadVersions:
    """The versions file of one data directory (open it once per process)."""

    def __init__(self, data_dir: str | Path, name: str = FILE_NAME) -> None:
        path = Path(data_dir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with self._locked():
            if os.fstat(self._fd).st_size < FILE_SIZE:
                os.ftruncate(self._fd, FILE_SIZE)
            self._map = mmap.mmap(self._fd, FILE_SIZE)
            if self._map[:8] != MAGIC:
                self._map[8:16] = secrets.token_bytes(8)
                self._write_pair(16, 0)  # generation 0
                self._map[:8] = MAGIC
        self.host_id = self._map[8:16].hex()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _pair(self, offset: int) -> int | None:
        value, complement = _PAIR.unpack_from(self._map, offset)
        return value if complement == value ^ _MASK else None

    def _write_pair(self, offset: int, value: int) -> None:
        struct.pack_into("<Q", self._map, offset, value)
        struct.pack_into("<Q", self._map, offset + 8, value ^ _MASK)

    @staticmethod
    def _start(tenant_id: uuid.UUID) -> int:
        # The last 8 bytes: the random half of a ULID (and the default tenant's 1).
        return int.from_bytes(tenant_id.bytes[8:], "little") % SLOTS

    def _find(self, tenant_id: uuid.UUID) -> tuple[int, bool]:
        """(slot offset, whether it is the tenant's) — else the first empty slot, or -1."""
        key = tenant_id.bytes
        start = self._start(tenant_id)
        for step in range(SLOTS):
            offset = HEADER + SLOT * ((start + step) % SLOTS)
            stored = self._map[offset : offset + 16]
            if stored == key:
                return offset, True
            if stored == _EMPTY:
                return offset, False
        return -1, False

    def current(self, tenant_id: uuid.UUID) -> Version | None:
        """The tenant's version now; None while a writer is half-way (read uncached)."""
        generation = self._pair(16)
        if generation is None:
            return None
        offset, found = self._find(tenant_id)
        if not found:
            return (generation, 0)
        counter = self._pair(offset + 16)
        return None if counter is None else (generation, counter)

    def bump(self, tenant_ids: Iterable[uuid.UUID]) -> None:
        """The tenants' read models changed: their cached answers are out of date."""
        with self._locked():
            for tenant_id in tenant_ids:
                offset, found = self._find(tenant_id)
                if offset < 0:
                    self._write_pair(16, ((self._pair(16) or 0) + 1) & _MASK)
                    continue
                counter = (self._pair(offset + 16) or 0) if found else 0
                self._write_pair(offset + 16, (counter + 1) & _MASK)
                if not found:
                    self._map[offset : offset + 16] = tenant_id.bytes  # the key last

    def bump_all(self) -> None:
        with self._locked():
            self._write_pair(16, ((self._pair(16) or 0) + 1) & _MASK)

    async def aclose(self) -> None:  # closed with the platform (Platform.services)
        self.close()

    def close(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            self._map.close()
            os.close(self._fd)
