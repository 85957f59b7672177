"""The per-tenant read-model versions file shared by the processes of one host."""

from __future__ import annotations

import struct
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from rustok.core import read_versions
from rustok.core.read_versions import HEADER, SLOT, ReadVersions

A = uuid.UUID(int=1)
B = uuid.UUID(int=2)


def test_a_bump_is_seen_by_every_opener_of_the_file(tmp_path: Path) -> None:
    first, second = ReadVersions(tmp_path), ReadVersions(tmp_path)
    assert first.host_id == second.host_id
    assert first.current(A) == second.current(A) == (0, 0)
    first.bump([A])
    assert second.current(A) == (0, 1)
    assert second.current(B) == (0, 0)  # another tenant is untouched
    # Another process (a worker, `rustok reindex`) bumps the same file.
    code = (f"import uuid; from rustok.core.read_versions import ReadVersions; "
            f"ReadVersions({str(tmp_path)!r}).bump([uuid.UUID(int=2)])")  # fmt: skip
    subprocess.run([sys.executable, "-c", code], check=True)
    assert (first.current(A), first.current(B)) == ((0, 1), (0, 1))


def test_a_half_written_counter_is_never_trusted(tmp_path: Path) -> None:
    versions = ReadVersions(tmp_path)
    versions.bump([A])
    offset = HEADER + SLOT * ReadVersions._start(A)
    # The counter written, its complement not yet: a reader must not use any cache.
    struct.pack_into("<Q", versions._map, offset + 16, 2)
    assert versions.current(A) is None
    struct.pack_into("<Q", versions._map, offset + 24, 2 ^ (2**64 - 1))
    assert versions.current(A) == (0, 2)


def test_colliding_tenants_keep_their_own_counters_and_a_full_table_expires_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_versions, "SLOTS", 4)
    versions = ReadVersions(tmp_path)
    # Same start slot (the last 8 bytes are equal mod 4): open addressing separates them.
    tenants = [uuid.UUID(int=(i << 64) | 8) for i in range(1, 5)]
    versions.bump(tenants[:2])
    assert [versions.current(t) for t in tenants[:2]] == [(0, 1), (0, 1)]
    versions.bump(tenants[1:2])
    assert [versions.current(t) for t in tenants[:2]] == [(0, 1), (0, 2)]
    versions.bump(tenants[2:])
    assert versions.current(tenants[3]) == (0, 1)
    versions.bump([uuid.UUID(int=99)])  # no slot left: every tenant's answers expire
    assert versions.current(tenants[0]) == (1, 1)
