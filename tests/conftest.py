"""Shared fixtures: both databases, a migrated template per backend, the app and a client.

Every test that asks for ``db_url`` (directly or through ``settings``, ``platform``, ``app``
or ``client``) runs twice: on SQLite and on the private PostgreSQL — once, on SQLite, when
marked ``sql_free``. Each test starts from the migrated template's state, so tests never see
each other's rows: a file copy on SQLite; on PostgreSQL one reused copy per test process, put
back into the template's state before each test (``tests/databases.py``). The ``app`` is
built once per module set and settings and bound to each test's fresh platform.
"""

from __future__ import annotations

import asyncio
import contextvars
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from rustok.api.app import RustokApp
from rustok.bootstrap import bootstrap, builtin_modules, load_all_settings
from rustok.core.db import Database
from rustok.core.logging import configure_logging
from rustok.core.module import ModuleSpec
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from tests.apps import BuiltApps, MakeApp
from tests.databases import PostgresDatabases as PostgresDatabases
from tests.databases import ReusedDatabase
from tests.databases import _asyncpg_dsn as _asyncpg_dsn
from tests.databases import run_in_thread as run_in_thread
from tests.lifespan import LifespanManager
from tests.services import Service, start_nats, start_postgres, start_redis

BACKENDS = ("sqlite", "postgres")
SUBPROCESS_GROUP = "subprocesses"
TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnop"

configure_logging("console", "warning")


def make_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    return load_all_settings(
        environ={},
        warn=False,
        database_url=database_url,
        data_dir=str(data_dir),
        media_root=str(data_dir / "media"),
        secret_key=TEST_SECRET,
        **overrides,
    )


def migrate_fresh(url: str, data_dir: Path) -> None:
    from rustok.cli.migrate import migrate_and_seed

    run_in_thread(lambda: migrate_and_seed(make_settings(url, data_dir)))


# --- private servers -------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_service() -> Iterator[Service]:
    service = start_postgres()
    yield service
    service.close()


@pytest.fixture(scope="session")
def redis_service() -> Iterator[Service]:
    service = start_redis()
    yield service
    service.close()


@pytest.fixture(scope="session")
def nats_service() -> Iterator[Service]:
    service = start_nats()
    yield service
    service.close()


@pytest.fixture(scope="session")
def postgres_databases(
    postgres_service: Service, tmp_path_factory: pytest.TempPathFactory
) -> PostgresDatabases:
    databases = PostgresDatabases(postgres_service.url)
    databases.execute(
        f'DROP DATABASE IF EXISTS "{databases.template}" WITH (FORCE)',
        f'CREATE DATABASE "{databases.template}"',
    )
    migrate_fresh(databases.url_of(databases.template), tmp_path_factory.mktemp("pg-template"))
    return databases


@pytest.fixture(scope="session")
def postgres_database(postgres_databases: PostgresDatabases) -> ReusedDatabase:
    """The copy of the template that the tests of this process share, one at a time."""
    return ReusedDatabase(postgres_databases)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sqlite-template")
    path = directory / "template.db"
    migrate_fresh(f"sqlite+aiosqlite:///{path}", directory)
    return path


# --- per-test database -----------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test that uses the database on both backends, or on SQLite when ``sql_free``."""
    if "backend" not in metafunc.fixturenames or any(
        "backend" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize")
    ):
        return
    sql_free = metafunc.definition.get_closest_marker("sql_free") is not None
    metafunc.parametrize("backend", BACKENDS[:1] if sql_free else BACKENDS, indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start subprocesses or servers run one at a time, on one xdist worker."""
    for item in items:
        if item.get_closest_marker("slow") is not None:
            item.add_marker(pytest.mark.xdist_group(SUBPROCESS_GROUP))


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _database_for(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool
) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / ("rustok.db" if migrated else "empty.db")
        if migrated:
            template: Path = request.getfixturevalue("sqlite_template")
            shutil.copyfile(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    if migrated:
        reused: ReusedDatabase = request.getfixturevalue("postgres_database")
        yield reused.reset()
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    name = databases.create(migrated=False)
    try:
        yield databases.url_of(name)
    finally:
        databases.drop(name)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database (with the default tenant) of the current backend."""
    yield from _database_for(backend, request, tmp_path, migrated=True)


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no tables) of the current backend."""
    yield from _database_for(backend, request, tmp_path, migrated=False)


@pytest.fixture
def test_modules() -> list[ModuleSpec]:
    """Modules installed in the test app (the built-in ones); tests override it."""
    return builtin_modules()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path)


@pytest.fixture
async def platform(settings: Settings, test_modules: list[ModuleSpec]) -> AsyncIterator[Platform]:
    platform = bootstrap(settings, modules=test_modules)
    yield platform
    await platform.aclose()


@pytest.fixture(scope="session")
def built_apps() -> BuiltApps:
    return BuiltApps()


@pytest.fixture
def make_app(built_apps: BuiltApps) -> Iterator[MakeApp]:
    """``create_app(settings, platform=platform)`` without building the routes every time."""
    yield built_apps.bind
    built_apps.release()


@pytest.fixture
async def app(settings: Settings, platform: Platform, make_app: MakeApp) -> RustokApp:
    return make_app(settings, platform)


@asynccontextmanager
async def serve_app(
    app: RustokApp, *, client_ip: str = "127.0.0.1", base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and give an HTTP client talking to it over ASGI."""
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app, client=(client_ip, 50000))
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as c:
            yield c


@pytest.fixture
async def client(app: RustokApp) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_app(app) as c:
        yield c


# --- helpers ---------------------------------------------------------------------------


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


_counting: contextvars.ContextVar[QueryCounter | None] = contextvars.ContextVar(
    "counting", default=None
)


@contextmanager
def count_queries(db: Database) -> Iterator[QueryCounter]:
    """Count the SQL statements run inside the block by this task and the tasks it starts
    (GraphQL data loaders); the relay and consumers, started earlier, are not counted."""
    counter = QueryCounter()
    token = _counting.set(counter)

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if _counting.get() is not counter:
            return
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            counter.statements.append(statement)

    engines = [e.sync_engine for e in db.engines]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", listener)
    try:
        yield counter
    finally:
        _counting.reset(token)
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listener)


async def outbox_settled(platform: Platform, limit: float = 10.0) -> None:
    """Wait until the outbox has nothing pending and, when the event runtime runs behind a
    broker, every relayed event is handled (or parked) by each consumer subscribed to its
    type. (With the memory transport a row is dispatched only once every consumer recorded
    it, some without an inbox row: ``ConsumerSpec.wants``.)"""
    import time

    from sqlalchemy import func, select

    from rustok.outbox.event_runtime import EventRuntime
    from rustok.outbox.models import DeadLetter, InboxRecord, OutboxEvent

    runtime = platform.events
    runners = (
        runtime.runners
        if isinstance(runtime, EventRuntime) and runtime.started and runtime.transport.durable
        else []
    )
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        async with platform.db.read_session(all_tenants=True) as session:
            waiting = await session.scalar(
                select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status == "pending")
            )
            for runner in runners:
                if waiting:
                    break
                waiting = await session.scalar(
                    select(func.count())
                    .select_from(OutboxEvent)
                    .where(
                        OutboxEvent.event_type.in_(sorted(runner.spec.type_names)),
                        OutboxEvent.id.not_in(
                            select(InboxRecord.event_id).where(InboxRecord.consumer == runner.name)
                        ),
                        OutboxEvent.id.not_in(
                            select(DeadLetter.event_id).where(DeadLetter.consumer == runner.name)
                        ),
                    )
                )
        if not waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the outbox did not drain")
