"""Identifiers: UUIDs generated from monotonic ULIDs (ID-1).

A ULID is 48 bits of milliseconds followed by 80 random bits. Within one millisecond the
random part is incremented instead of redrawn, so ids made by one process sort in creation
order — the outbox relies on that to keep the events of one transaction in order.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid

from ulid import ULID

_RANDOM_BITS = 80
_RANDOM_MASK = (1 << _RANDOM_BITS) - 1
_lock = threading.Lock()
_last_ms = 0
_last_random = 0


def new_id() -> uuid.UUID:
    """Return a new time-ordered id (a ULID stored as a UUID)."""
    global _last_ms, _last_random
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms <= _last_ms:
            now_ms = _last_ms
            _last_random = (_last_random + 1) & _RANDOM_MASK
            if _last_random == 0:  # 2**80 ids in one millisecond: borrow the next one
                now_ms += 1
        else:
            _last_random = secrets.randbits(_RANDOM_BITS)
        _last_ms = now_ms
        return uuid.UUID(int=(now_ms << _RANDOM_BITS) | _last_random)


def parse_id(text: str) -> uuid.UUID:
    """Parse a UUID (any standard form) or a 26-character ULID; raise ``ValueError`` otherwise."""
    value = text.strip()
    if len(value) == 26:
        try:
            return ULID.from_str(value.upper()).to_uuid()
        except ValueError:
            pass
    return uuid.UUID(value)


def id_to_ulid(value: uuid.UUID) -> str:
    """Render an id in ULID text form."""
    return str(ULID.from_uuid(value))
