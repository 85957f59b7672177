"""Database outages answer 503 with Retry-After, warn once per outage and heal by themselves.

The stopped and frozen server tests use a PostgreSQL of their own (killed, restarted,
SIGSTOPped): the session's shared server is never disturbed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.exc import TimeoutError as PoolTimeout

from rustok.api.app import create_app
from rustok.bootstrap import bootstrap
from rustok.core.db.outages import DatabaseUnavailable, OutageMonitor, outage_reason
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from tests.conftest import _asyncpg_dsn, make_settings, migrate_fresh, serve_app
from tests.services import Service, start_postgres

UNAVAILABLE = "database unavailable"
AVAILABLE = "database available again"
STORE = "/api/store/products"
GRAPHQL_PRODUCTS = {"query": "{ storeProducts(first: 1) { edges { cursor } } }"}


def warnings_in(capsys: pytest.CaptureFixture[str]) -> tuple[int, int]:
    err = capsys.readouterr().err
    return err.count(UNAVAILABLE), err.count(AVAILABLE)


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["code"] == "SERVICE_UNAVAILABLE"
    assert body["title"] == "Database unavailable"
    assert "127.0.0.1" not in body["detail"]  # driver messages stay in the log


def assert_graphql_unavailable(response: httpx.Response) -> None:
    """Refused before execution (building the context) as a 503 problem, or by a resolver
    as a GraphQL error: either way with the code, never an internal error."""
    if response.status_code == 503:
        assert_unavailable(response)
        return
    assert response.status_code == 200, response.text
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["SERVICE_UNAVAILABLE"]


async def answers_again(client: httpx.AsyncClient) -> bool:
    for _ in range(200):
        if (await client.get(STORE)).status_code == 200:
            return True
        await asyncio.sleep(0.05)
    return False


# --- a full pool: both databases --------------------------------------------------------


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        db_url, tmp_path, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.2,
        serve_events=False, storefront_cache_size=0,
    )  # fmt: skip


async def test_no_free_connection_answers_503_and_warns_once(
    platform: Platform, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (await client.get(STORE)).status_code == 200  # tenant cached, pool warm
    capsys.readouterr()
    async with platform.db.engine.connect() as held:  # the pool's only connection
        await held.exec_driver_sql("SELECT 1")
        # Storefront reads have a pool of their own (core/read_pool.py); resolving a tenant
        # not cached yet needs this one.
        for n in range(5):
            assert_unavailable(await client.get(STORE, headers={"X-Tenant-ID": f"shop{n}"}))
        assert_graphql_unavailable(await client.post(
            "/api/graphql", json=GRAPHQL_PRODUCTS, headers={"X-Tenant-ID": "shop9"}
        ))  # fmt: skip
        down_while_held = platform.db.outages.down
    assert (await client.get(STORE)).status_code == 200
    assert down_while_held and not platform.db.outages.down
    assert warnings_in(capsys) == (1, 1)  # six refusals, one warning


# --- a statement past its timeout: PostgreSQL ------------------------------------------


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_statement_timeout_answers_503(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, db_statement_timeout=0.3, serve_events=False,
                             storefront_cache_size=0)  # fmt: skip
    async with serve_app(create_app(settings)) as client:
        assert (await client.get(STORE)).status_code == 200
        blocker = await asyncpg.connect(_asyncpg_dsn(db_url))
        try:
            async with blocker.transaction():
                await blocker.execute("LOCK TABLE index_products IN ACCESS EXCLUSIVE MODE")
                assert_unavailable(await client.get(STORE))
        finally:
            await blocker.close()
        assert (await client.get(STORE)).status_code == 200


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_postgres_statements_time_out_after_15_s_by_default(
    db_url: str, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path, serve_events=False)
    assert settings.db_statement_timeout == 15.0
    platform = bootstrap(settings, modules=[])
    try:
        async with platform.db.engine.connect() as connection:
            shown = await connection.exec_driver_sql("SHOW statement_timeout")
            assert shown.scalar_one() == "15s"
    finally:
        await platform.aclose()


# --- a stopped or frozen server: a PostgreSQL of the test's own -------------------------


@pytest.fixture(scope="module")
def own_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = start_postgres()
    if service.proc is None:
        service.close()
        pytest.fail("outage tests need a private PostgreSQL (RUSTOK_TEST_POSTGRES_URL is set)")
    migrate_fresh(service.url, tmp_path_factory.mktemp("own-pg"))
    asyncio.run(_checkpoint(service.url))
    yield service
    service.close()


async def _checkpoint(url: str) -> None:
    """Put what was committed on disk. The test server commits asynchronously
    (``synchronous_commit=off``): a kill within a moment of the migration lost its last
    commits (the default tenant: every later request answered 404), and how soon the first
    kill comes after it depends on how fast the app starts."""
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


@pytest.fixture
async def outage_client(own_postgres: Service, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    # No answer cache: an outage must reach the storefront's reads (cached answers would
    # still be current, nothing can change the read models while the database is down).
    settings = make_settings(own_postgres.url, tmp_path, db_pool_timeout=1.0,
                             db_statement_timeout=1.0, storefront_cache_size=0)  # fmt: skip
    async with serve_app(create_app(settings)) as client:
        yield client


async def test_stopped_postgres_answers_503_warns_once_and_recovers(
    own_postgres: Service, outage_client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    client = outage_client
    assert (await client.get(STORE)).status_code == 200
    capsys.readouterr()
    for outage in range(2):
        own_postgres.kill()
        try:
            for _ in range(4):
                assert_unavailable(await client.get(STORE))
            # An uncached tenant is resolved from the database: refused the same way.
            assert_unavailable(await client.get(STORE, headers={"X-Tenant-ID": f"shop{outage}"}))
            assert_graphql_unavailable(await client.post("/api/graphql", json=GRAPHQL_PRODUCTS))
        finally:
            own_postgres.start_again()
        assert await answers_again(client)
        assert warnings_in(capsys) == (1, 1), f"outage {outage}"


async def test_frozen_postgres_answers_503_instead_of_hanging(
    own_postgres: Service, outage_client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    client = outage_client
    assert (await client.get(STORE)).status_code == 200
    capsys.readouterr()
    own_postgres.freeze()
    try:
        # Pooled connections (pre-ping), new connections and a full pool, all at once.
        answers = await asyncio.gather(*(client.get(STORE) for _ in range(25)))
    finally:
        own_postgres.thaw()
    for response in answers:
        assert_unavailable(response)
    assert await answers_again(client)
    assert warnings_in(capsys) == (1, 1)


# --- what counts as an outage ----------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ConnectionRefusedError(111, "Connect call failed"), "cannot connect: [Errno 111] Connect call failed"),
        (TimeoutError(), "no answer in time"),
        (PoolTimeout("QueuePool limit reached"), "no free connection in the pool"),
        (asyncpg.exceptions.QueryCanceledError("canceling statement"), "statement timed out"),
        (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
         "the database system is starting up"),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"), "connection was closed"),
    ],
)  # fmt: skip
def test_outages_are_recognised(error: BaseException, reason: str) -> None:
    assert outage_reason(error) == reason
    wrapped = RuntimeError("adapter")
    wrapped.__cause__ = error
    assert outage_reason(wrapped) == reason


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
        ValueError("a bug"),
    ],
)
def test_other_errors_are_no_outage(error: BaseException) -> None:
    assert outage_reason(error) is None
    assert OutageMonitor().translate(error) is None


def test_the_monitor_warns_once_per_outage(capsys: pytest.CaptureFixture[str]) -> None:
    monitor = OutageMonitor()
    monitor.succeeded()
    for _ in range(10):
        assert isinstance(monitor.translate(TimeoutError()), DatabaseUnavailable)
    monitor.succeeded()
    monitor.succeeded()
    assert monitor.translate(TimeoutError()) is not None
    assert warnings_in(capsys) == (2, 1)


def test_a_checkout_begun_before_the_recovery_opens_no_new_outage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = [100.0]
    monitor = OutageMonitor(clock=lambda: now[0])
    monitor.translate(TimeoutError())  # down at 100
    stale_start = monitor.now()
    now[0] = 101.0
    monitor.succeeded()  # back at 101
    now[0] = 102.0
    # A checkout that waited out the outage fails late: still a 503, but no new outage.
    assert isinstance(monitor.translate(TimeoutError(), started=stale_start), DatabaseUnavailable)
    down_after_stale = monitor.down
    assert monitor.translate(TimeoutError(), started=monitor.now()) is not None
    assert (down_after_stale, monitor.down) == (False, True)
    assert warnings_in(capsys) == (2, 1)


async def test_a_cancelled_statement_stays_cancelled(platform: Platform) -> None:
    # SQLAlchemy marks a statement interrupted by cancellation as a disconnect: that is
    # a stopping task, not an outage, and must not turn into a 503.
    slow = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000)"
        " SELECT count(*) FROM n"
        if platform.db.is_sqlite
        else "SELECT pg_sleep(10)"
    )
    started = asyncio.Event()

    async def run() -> None:
        async with platform.db.engine.connect() as conn:
            started.set()
            await conn.exec_driver_sql(slow)

    task = asyncio.create_task(run())
    await started.wait()
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not platform.db.outages.down
