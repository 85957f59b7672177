"""The read-model answer cache of one process, and how read-model commits reach it.

Writers: code that writes read-model rows marks its session (:func:`mark_changed`); when
that transaction commits, the tenants' versions are bumped in the host's versions file
(``core/read_versions.py``) before ``commit()`` returns. Other hosts hear of it in two ways:
on PostgreSQL the transaction itself sends ``NOTIFY rustok_read_models`` (delivered at
commit, dropped on rollback) to every process that listens (:class:`ReadModelListener`,
``RUSTOK_STOREFRONT_CACHE_LISTEN``); with ``RUSTOK_REDIS_URL`` the commit is also announced
on the invalidation bus. A cache that listens trusts its answers only while its listening
connection is up and only those stored since it connected, and needs no time bound; one
that does not listen keeps another instance's changes out for at most
``RUSTOK_STOREFRONT_CACHE_TTL`` seconds. A SQLite database has no other instance: its
versions file lies beside the database file, every process writing it bumps that file, and
answers live until their version changes (or the size bound evicts them).

Readers (:class:`ReadCache`): an answer is stored with the version taken *before* the read
that produced it, and served only while the tenant's version is still that one. Keys start
with the tenant, so one tenant's writes never reach another tenant's answers. Memory is
bounded by size (moka, weighted by the answer's bytes).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moka_py import Moka
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from rustok.core.db.pg_listen import ChannelListener
from rustok.core.db.tenant_scope import ScopedSession
from rustok.core.invalidation import ALL_KEYS, InvalidationBus
from rustok.core.logging import get_logger
from rustok.core.platform import Platform
from rustok.core.read_versions import FILE_NAME, ReadVersions

CHANGED_KEY = "rustok.read_models_changed"
KEY_PREFIX = "storefront:"
NOTIFY_CHANNEL = "rustok_read_models"
NOTIFY_TENANTS = 200  # per notification: PostgreSQL takes payloads below 8,000 bytes
ENTRY_OVERHEAD = 256  # bytes of a key and its entry besides the answer itself
_log = get_logger("rustok.cache")
CacheVersion = tuple[int, int, int, int]


def mark_changed(session: Any, tenant_id: uuid.UUID) -> None:
    """This transaction writes ``tenant_id``'s read models (call before it commits)."""
    session.info.setdefault(CHANGED_KEY, set()).add(tenant_id)


class ReadModelChanges:
    """Bumps the versions of the tenants a committed transaction changed, and tells the
    other instances."""

    def __init__(self, versions: ReadVersions, bus: InvalidationBus, *, notify: bool) -> None:
        """``notify``: tell the listening processes by ``NOTIFY`` in the transaction (on
        PostgreSQL)."""
        self.versions = versions
        self.notify = notify
        self._bus = bus
        self._publishing: set[asyncio.Task[None]] = set()

    def notifications(self, tenants: set[uuid.UUID]) -> list[str]:
        """The ``NOTIFY`` payloads for these tenants: this host's id, then tenant ids."""
        ordered = sorted(tenants)
        return [
            " ".join([self.versions.host_id, *(t.hex for t in ordered[at : at + NOTIFY_TENANTS])])
            for at in range(0, len(ordered), NOTIFY_TENANTS)
        ]

    def committed(self, tenants: set[uuid.UUID]) -> None:
        self.versions.bump(sorted(tenants))
        if not self._bus.distributed:
            return
        keys = [f"{KEY_PREFIX}{tenant}:{self.versions.host_id}" for tenant in sorted(tenants)]
        try:
            task = asyncio.get_running_loop().create_task(self._bus.publish(keys))
        except RuntimeError:  # no loop (a synchronous tool): the TTL bounds the others
            return
        self._publishing.add(task)
        task.add_done_callback(self._publishing.discard)


_WATCHED: weakref.WeakKeyDictionary[Engine, ReadModelChanges] = weakref.WeakKeyDictionary()


def watch_commits(engines: Sequence[Any], changes: ReadModelChanges) -> None:
    """Bump versions after commits of read-model writes on these (async) engines."""
    for engine in engines:
        _WATCHED[engine.sync_engine] = changes


def _changes_of(session: Session) -> ReadModelChanges | None:
    return _WATCHED.get(session.bind) if isinstance(session.bind, Engine) else None


@event.listens_for(ScopedSession, "before_commit")
def _before_commit(session: Session) -> None:
    tenants: set[uuid.UUID] | None = session.info.get(CHANGED_KEY)
    changes = _changes_of(session) if tenants else None
    if tenants is None or changes is None or not changes.notify:
        return
    connection = session.connection()
    for payload in changes.notifications(tenants):
        connection.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": NOTIFY_CHANNEL, "payload": payload},
        )


@event.listens_for(ScopedSession, "after_commit")
def _after_commit(session: Session) -> None:
    tenants = session.info.pop(CHANGED_KEY, None)
    changes = _changes_of(session) if tenants else None
    if changes is not None:
        changes.committed(tenants)


@event.listens_for(ScopedSession, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(CHANGED_KEY, None)


@dataclass(frozen=True, slots=True)
class ReadModelQueryFields:
    """A module's contribution (``ModuleSpec.contributions``): root query fields of its API
    whose answers come from its read models only — public, and a function of the tenant,
    the request's locale and the field's arguments — and the answer cache they share. A
    whole GraphQL answer asking for such fields only is kept in that cache."""

    fields: frozenset[str]
    cache: Callable[[Platform], ReadCache]


class ReadModelListener:
    """Hears the read-model commits of processes on other hosts (``NOTIFY`` on PostgreSQL)
    and tells the caches that registered."""

    def __init__(self, database_url: str, host_id: str) -> None:
        self._host = host_id
        self._handlers: list[Callable[[list[uuid.UUID]], None]] = []
        self.channel = ChannelListener(database_url, NOTIFY_CHANNEL, self._heard)

    def register(self, handler: Callable[[list[uuid.UUID]], None]) -> None:
        self._handlers.append(handler)

    def _heard(self, payload: str) -> None:
        host, *tenants = payload.split() or [self._host]
        if host == self._host:
            return  # this host's versions file has it already (or nothing was said)
        changed = []
        for tenant in tenants:
            with contextlib.suppress(ValueError):
                changed.append(uuid.UUID(hex=tenant))
        for handler in self._handlers:
            handler(changed)


@dataclass(frozen=True, slots=True)
class Entry:
    version: CacheVersion
    value: Any
    weight: int
    stored: float  # time.monotonic() when stored
    generation: int  # the listener's connection then (0: none yet, or no listener)


class ReadCache:
    """Answers per (tenant, normalised request), valid while the tenant's version holds."""

    def __init__(
        self, versions: ReadVersions | None, bus: InvalidationBus, *, size: int,
        ttl: float | None, listener: ReadModelListener | None = None,
    ) -> None:  # fmt: skip
        """``ttl``: how long an answer lives unless every write is seen — by the versions
        file or the ``listener`` (None: until its version changes or it is evicted). With a
        ``listener``, an answer outlives it only while the connection it was stored under is
        listening; answers stored before the first connection, and all while the connection
        is down, live at most ``ttl`` (the cache is what it is without a listener); a new
        connection voids those stored under an earlier one."""
        self._versions = versions
        self._listener = listener
        if listener is not None:
            listener.register(self._changed_elsewhere)
        self._unheard_ttl = math.inf if ttl is None else ttl
        self._host = versions.host_id if versions is not None else ""
        self._store: Moka[tuple[uuid.UUID, Any], Entry] | None = (
            Moka(size, ttl=None if listener else ttl, weigher=lambda _, entry: entry.weight)
            if size > 0 and versions is not None
            else None
        )
        self._epoch = 0  # everything: the bus reconnected, messages may be lost
        self._remote: dict[uuid.UUID, int] = {}  # per tenant: changes on other hosts
        bus.register(self._forget)

    @property
    def enabled(self) -> bool:
        return self._store is not None

    def _forget(self, keys: Sequence[str]) -> None:
        for key in keys:
            if key == ALL_KEYS:
                self._epoch += 1
            elif key.startswith(KEY_PREFIX):
                tenant, _, host = key[len(KEY_PREFIX) :].partition(":")
                if host == self._host:
                    continue  # this host's versions file has it already
                with contextlib.suppress(ValueError):
                    self._changed_elsewhere([uuid.UUID(tenant)])

    def _changed_elsewhere(self, tenants: list[uuid.UUID]) -> None:
        for tenant_id in tenants:
            self._remote[tenant_id] = self._remote.get(tenant_id, 0) + 1

    def version(self, tenant_id: uuid.UUID) -> CacheVersion | None:
        if self._store is None or self._versions is None:
            return None
        local = self._versions.current(tenant_id)
        if local is None:
            return None
        return (self._epoch, self._remote.get(tenant_id, 0), *local)

    def get(self, tenant_id: uuid.UUID, key: Any) -> tuple[Any, CacheVersion | None]:
        """(the answer or None, the version to store a fresh answer under — read it first)."""
        version = self.version(tenant_id)
        if version is None or self._store is None:
            return None, None
        entry = self._store.get((tenant_id, key))
        if entry is not None and entry.version == version and self._heard_since(entry):
            return entry.value, version
        return None, version

    def _heard_since(self, entry: Entry) -> bool:
        """Whether every other host's commit since ``entry`` was heard, or it is young."""
        if self._listener is None:
            return True  # moka's TTL bounds the answer
        channel = self._listener.channel
        if entry.generation == channel.generation and channel.listening:
            return True
        # Stored before the first connection, or this connection is down: as without one.
        if entry.generation == channel.generation or (entry.generation, channel.generation) == (
            0,
            1,
        ):
            return time.monotonic() - entry.stored < self._unheard_ttl
        return False  # reconnected since: a commit may have gone unheard meanwhile

    def put(
        self, tenant_id: uuid.UUID, key: Any, version: CacheVersion | None, value: Any, size: int
    ) -> None:
        if version is None or self._store is None:
            return
        generation = self._listener.channel.generation if self._listener else 0
        entry = Entry(version, value, size + ENTRY_OVERHEAD, time.monotonic(), generation)
        self._store.set((tenant_id, key), entry)

    def weighted_size(self) -> int:
        if self._store is None:
            return 0
        self._store.run_pending_tasks()
        return self._store.weighted_size()


VERSIONS_SERVICE = "read_versions"


def attach_read_model_versions(platform: Platform) -> None:
    """Open the host's versions file and bump it after every read-model commit of this
    platform (kept in ``platform.services``; the answer caches read it there)."""
    versions = open_versions(
        *versions_location(platform.settings.database_url, platform.settings.data_dir)
    )
    if versions is None:
        return
    platform.services[VERSIONS_SERVICE] = versions
    notify = not single_host(platform.settings.database_url)
    changes = ReadModelChanges(versions, platform.invalidation, notify=notify)
    watch_commits(platform.db.engines, changes)


def platform_versions(platform: Platform) -> ReadVersions | None:
    versions = platform.services.get(VERSIONS_SERVICE)
    return versions if isinstance(versions, ReadVersions) else None


def versions_location(database_url: str, data_dir: str) -> tuple[str, str]:
    """Where the versions file lives (directory, file name): beside a SQLite database file,
    so that every process writing that file bumps the same counters whatever its data
    directory; else in the data directory (one per host)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database).resolve()
        if database.parent.is_dir():  # else the database cannot be opened: never create it
            return str(database.parent), f"{database.name}.{FILE_NAME}"
    return data_dir, FILE_NAME


def single_host(database_url: str) -> bool:
    """A SQLite database file is written on one host only, so its versions file sees every
    write: its answers need no time bound."""
    return make_url(database_url).get_backend_name() == "sqlite"


def open_versions(data_dir: str, name: str = FILE_NAME) -> ReadVersions | None:
    """The host's versions file; None (no answer cache) when the directory is unusable."""
    try:
        return ReadVersions(data_dir, name)
    except OSError as exc:
        _log.warning("read-model answer cache off: no versions file", error=str(exc))
        return None
