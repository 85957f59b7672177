"""Engines, sessions, the declarative base and structural tenant scoping (T-1).

Tenant scoping lives in the session, not in the queries: a session knows its tenant (taken
from the request context when the unit of work opens) and

- adds ``tenant_id = <tenant>`` to every ORM SELECT/UPDATE/DELETE touching a
  :class:`TenantScoped` model (``with_loader_criteria``, also for joins and lazy loads);
- stamps ``tenant_id`` on new rows at flush, and refuses rows of another tenant;
- refuses to run a tenant-scoped statement at all when it has no tenant.

Platform code that must cross tenants (the outbox relay, the tenant admin) opens its session
with ``all_tenants=True``: the escape hatch is explicit and greppable.

Database outages (refused or lost connections, pool and statement timeouts) are turned into
``DatabaseUnavailable`` (503) by ``db_outage.py``, wired into both engines here.

On SQLite, writes go through a second engine whose transactions start with
``BEGIN IMMEDIATE`` and are serialised by a process-wide lock: a deferred transaction that
upgrades to a writer after another commit fails with "database is locked" instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Final, TypeVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    MetaData,
    Select,
    Uuid,
    event,
    false,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    UOWTransaction,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.types import TypeDecorator

from rustok.core.context import current_context
from rustok.core.db_outage import OutageMonitor, guarded_pool, watch_engine
from rustok.core.ids import new_id

T = TypeVar("T")
# How much longer than PostgreSQL's own statement timeout the client waits for an answer.
CLIENT_TIMEOUT_GRACE_SECONDS = 2.0


class _AllTenants:
    def __repr__(self) -> str:
        return "ALL_TENANTS"


ALL_TENANTS: Final = _AllTenants()
TENANT_KEY: Final = "rustok_tenant_id"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TenantContextMissing(RuntimeError):
    """A tenant-scoped statement ran in a session that has no tenant: a programming error."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        uuid.UUID: Uuid(),
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


class HasId:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TenantScoped:
    """Mix into every tenant-owned model: the session filters and fills ``tenant_id``."""

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)


def tenant_scoped_models() -> list[type[Any]]:
    """Every mapped model that mixes in :class:`TenantScoped` (used by the isolation tests)."""
    return sorted(
        (m.class_ for m in Base.registry.mappers if issubclass(m.class_, TenantScoped)),
        key=lambda cls: cls.__tablename__,
    )


class ScopedSession(Session):
    """The sync session under :class:`AsyncSession`, carrying the tenant in ``info``."""


def _session_tenant(session: Session) -> uuid.UUID | _AllTenants | None:
    value = session.info.get(TENANT_KEY)
    if value is None or isinstance(value, uuid.UUID | _AllTenants):
        return value
    raise TypeError(f"bad tenant marker {value!r}")


def _touches_scoped(state: ORMExecuteState) -> bool:
    return any(issubclass(m.class_, TenantScoped) for m in state.all_mappers)


@event.listens_for(ScopedSession, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    tenant = _session_tenant(state.session)
    if tenant is ALL_TENANTS or state.is_column_load or state.is_relationship_load:
        return  # relationship/column loads inherit the criteria of their parent query
    if state.is_insert:
        if isinstance(tenant, uuid.UUID) and _touches_scoped(state):
            params: Any = state.parameters
            rows: list[dict[str, Any]] = (
                params if isinstance(params, list) else [params] if params else []
            )
            for row in rows:
                if row.setdefault("tenant_id", tenant) != tenant:
                    raise TenantContextMissing("insert of a row for another tenant")
        elif tenant is None and _touches_scoped(state):
            raise TenantContextMissing("insert into a tenant-scoped table without a tenant")
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if tenant is None:
        if _touches_scoped(state):
            raise TenantContextMissing("tenant-scoped query in a session without a tenant")
        # Joins to scoped models from an unscoped root still match nothing.
        criteria = with_loader_criteria(TenantScoped, lambda cls: false(), include_aliases=True)
    else:
        criteria = with_loader_criteria(
            TenantScoped, lambda cls: cls.tenant_id == tenant, include_aliases=True
        )
    state.statement = state.statement.options(criteria)


@event.listens_for(ScopedSession, "before_flush")
def _stamp_tenant(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    tenant = _session_tenant(session)
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        current = getattr(obj, "tenant_id", None)
        if isinstance(tenant, uuid.UUID):
            if current is None:
                obj.tenant_id = tenant
            elif current != tenant:
                raise TenantContextMissing(f"new {type(obj).__name__} belongs to another tenant")
        elif current is None:
            raise TenantContextMissing(f"new {type(obj).__name__} without a tenant")
    if isinstance(tenant, uuid.UUID):
        for obj in session.dirty:
            if isinstance(obj, TenantScoped) and obj.tenant_id != tenant:
                raise TenantContextMissing(f"{type(obj).__name__} moved to another tenant")


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # Our own BEGIN (below) instead of the driver's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "foreign_keys=ON",
        "busy_timeout=10000",
        "synchronous=NORMAL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


async def fetch_page(
    session: AsyncSession, statement: Select[tuple[T]], *, page: int, per_page: int
) -> tuple[list[T], int]:
    """Page ``page`` (from 1) of an ordered ``statement``'s entities, and the total count.

    The count runs on the statement as a subquery, so its filters — and the tenant scope
    the session adds — apply to both.
    """
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    rows = await session.scalars(statement.offset((page - 1) * per_page).limit(per_page))
    return list(rows), total or 0


class RollbackOnClose(sqlite3.Connection):
    """A SQLite connection that rolls back before it closes.

    SQLAlchemy hard-closes a connection whose task was cancelled mid-transaction (a stopping
    consumer or relay). ``sqlite3`` then leaves a connection with an unfinished SELECT open
    as a zombie that keeps the transaction — and the write lock — until the cursor is
    garbage-collected: every other writer waited out its 10 s busy timeout. A rollback
    first resets the statements, so the close really closes.
    """

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.rollback()
        super().close()


def _make_engine(
    url: str, *, immediate: bool, pool: dict[str, Any], echo: bool, outages: OutageMonitor
) -> AsyncEngine:
    options: dict[str, Any] = {
        "echo": echo,
        "poolclass": guarded_pool(outages),
        "pool_size": pool["pool_size"],
        "pool_timeout": pool["pool_timeout"],
    }
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, **options, max_overflow=0, connect_args={"factory": RollbackOnClose}
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql(begin)

    else:
        engine = create_async_engine(
            url,
            **options,
            max_overflow=pool["max_overflow"],
            pool_pre_ping=True,
            pool_recycle=1800,
            connect_args=_postgres_connect_args(pool),
        )
    watch_engine(engine, outages)
    return engine


def _postgres_connect_args(pool: dict[str, Any]) -> dict[str, Any]:
    """Bound connecting by the pool timeout and every statement by the statement timeout:
    PostgreSQL cancels a slow statement itself, and the client gives up a little later in
    case the server cannot even do that (frozen, or the network is gone)."""
    args: dict[str, Any] = {"timeout": pool["pool_timeout"]}
    statement_timeout = pool["statement_timeout"]
    if statement_timeout > 0:
        args["server_settings"] = {"statement_timeout": str(round(statement_timeout * 1000))}
        args["command_timeout"] = statement_timeout + CLIENT_TIMEOUT_GRACE_SECONDS
    return args


class Database:
    """Owns the engines and hands out tenant-scoped sessions."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 10,
        pool_timeout: float = 5.0,
        statement_timeout: float = 15.0,
        echo: bool = False,
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        pool = {
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            "pool_timeout": pool_timeout,
            "statement_timeout": statement_timeout,
        }
        # One monitor for both engines: an outage is the database's, not an engine's.
        self.outages = OutageMonitor()
        self.engine = _make_engine(url, immediate=False, pool=pool, echo=echo, outages=self.outages)
        self.write_engine = (
            _make_engine(url, immediate=True, pool=pool, echo=echo, outages=self.outages)
            if self.is_sqlite
            else self.engine
        )
        self._read_factory = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=ScopedSession
        )
        self._write_factory = async_sessionmaker(
            self.write_engine, expire_on_commit=False, sync_session_class=ScopedSession
        )
        # One writer at a time per process on SQLite (see the module docstring).
        self._write_lock: asyncio.Lock | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def engines(self) -> tuple[AsyncEngine, ...]:
        return (
            (self.engine,) if self.write_engine is self.engine else (self.engine, self.write_engine)
        )

    def _tenant_marker(self, all_tenants: bool) -> uuid.UUID | _AllTenants | None:
        return ALL_TENANTS if all_tenants else current_context().tenant_id

    def read_session(self, *, all_tenants: bool = False) -> AsyncSession:
        """A session for reads, scoped to the current tenant."""
        return self._read_factory(info={TENANT_KEY: self._tenant_marker(all_tenants)})

    def write_session(self, *, all_tenants: bool = False) -> AsyncSession:
        return self._write_factory(info={TENANT_KEY: self._tenant_marker(all_tenants)})

    @contextlib.asynccontextmanager
    async def writer(self) -> AsyncIterator[None]:
        """Serialise writers on SQLite; a no-op on PostgreSQL."""
        if not self.is_sqlite:
            yield
            return
        if self._write_lock is None:
            self._write_lock = asyncio.Lock()
        async with self._write_lock:
            yield

    async def refresh_statistics(self) -> None:
        """Let SQLite's planner know the tables' sizes (``ANALYZE``, sampled).

        Without ``sqlite_stat1`` SQLite guesses, and with 10,000 listings it walked a whole
        listing index for a lookup by handle (8–12 ms instead of 0.02 ms). PostgreSQL's
        autovacuum keeps its statistics itself.
        """
        if not self.is_sqlite:
            return
        async with self.writer(), self.write_engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            await conn.exec_driver_sql("ANALYZE")
            await conn.commit()

    async def ping(self) -> float:
        """Run ``SELECT 1``; return the latency in milliseconds or raise."""
        started = time.perf_counter()
        async with self.engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
        return (time.perf_counter() - started) * 1000

    async def dispose(self) -> None:
        for engine in self.engines:
            await engine.dispose()
