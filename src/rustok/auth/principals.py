"""The principal cache: who a session is, for ``PRINCIPAL_TTL_SECONDS``, dropped on change.

Authenticating costs a token check and, once per session and TTL, one query for the
session's state, the user's status, roles and grants. A change (revoked session, disabled,
banned, demoted user) drops what it concerns through invalidation keys:

- ``session:<id>`` — one session; ``principals-of:<user id>`` — every session of a user;
  ``principals:*`` or ``*`` — everything.

Keys arrive from this process's commits at once, from other instances through Redis at once
(``core.invalidation``), and from every process through the ``auth_principal_changes``
rows the watcher polls (revocations.py) within a second, Redis or not. A change also marks
its session or user with the time it was seen, so a principal whose load *started* before
that is not trusted, even when the load finishes after the change was applied.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Sequence

from moka_py import Moka

from rustok.core.db import utcnow
from rustok.core.invalidation import ALL_KEYS
from rustok.rbac.principal import Principal

PRINCIPAL_TTL_SECONDS = 15.0
PRINCIPAL_CACHE_SIZE = 50_000
SESSION_KEY_PREFIX = "session:"
USER_KEY_PREFIX = "principals-of:"
ALL_PRINCIPALS = "principals:*"

Cached = tuple[Principal, dt.datetime, float]  # principal, session expiry, load start


def session_key(session_id: uuid.UUID) -> str:
    return f"{SESSION_KEY_PREFIX}{session_id}"


def user_key(user_id: uuid.UUID) -> str:
    return f"{USER_KEY_PREFIX}{user_id}"


class PrincipalCache:
    def __init__(self, ttl: float = PRINCIPAL_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._entries: Moka[uuid.UUID, Cached] = Moka(PRINCIPAL_CACHE_SIZE, ttl=ttl)
        # Session or user id -> monotonic time a change of it was seen (kept for one TTL).
        self._changed: dict[uuid.UUID, float] = {}

    @staticmethod
    def clock() -> float:
        return time.monotonic()

    def get(self, session_id: uuid.UUID, user_id: uuid.UUID) -> Principal | None:
        cached = self._entries.get(session_id)
        if cached is None:
            return None
        principal, session_expires, loaded_at = cached
        changed = max(self._changed.get(session_id, 0.0), self._changed.get(user_id, 0.0))
        if principal.user_id != user_id or session_expires <= utcnow() or loaded_at <= changed:
            self._entries.remove(session_id)
            return None
        return principal

    def put(self, principal: Principal, session_expires: dt.datetime, loaded_at: float) -> None:
        self._entries.set(principal.session_id, (principal, session_expires, loaded_at))

    def drop(self, keys: Sequence[str]) -> None:
        """Invalidation handler: drop what ``keys`` name (see the module docstring)."""
        if ALL_KEYS in keys or ALL_PRINCIPALS in keys:
            self._entries.clear()
            return
        now = self.clock()
        for key in keys:
            for prefix in (SESSION_KEY_PREFIX, USER_KEY_PREFIX):
                if key.startswith(prefix):
                    with contextlib.suppress(ValueError):
                        changed = uuid.UUID(key[len(prefix) :])
                        self._changed[changed] = now
                        if prefix == SESSION_KEY_PREFIX:
                            self._entries.remove(changed)
        # A mark older than the TTL guards nothing: every entry loaded before it is gone.
        stale = [k for k, seen in self._changed.items() if seen < now - self.ttl]
        for k in stale:
            del self._changed[k]
