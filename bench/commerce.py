"""Commerce hot paths on a served app: add-to-cart and checkout at 16 concurrent clients, on
SQLite and on a private PostgreSQL, and the SQL statements of one checkout.

- add-to-cart: wrk (16 connections) posting items to 64 pre-made carts in rotation;
- checkout: 16 asyncio clients checking out pre-made carts (2 lines each, 30 variants), so
  every request places an order; latencies are measured in the client; a failed checkout's
  status and problem code are counted and printed;
- flow: 8 asyncio clients against ``serve --workers 2``, each flow creating a cart, adding a
  line, setting the email and country (``PATCH`` of the cart) and checking out; flows/s and
  the latency of a whole flow;
- statements: counted in-process (no relay running) for a 1-line and a 12-line cart;
- expiry: 200 pending orders placed in-process, then one run of the
  ``commerce.expire_pending_orders`` job as if a day had passed: orders/s and SQL statements
  per expired order.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from tests.conftest import count_queries, make_settings, serve_app
from tests.services import start_postgres

from bench.harness import (
    bench_env,
    migrate,
    percentile,
    print_table,
    rustok,
    served,
    sqlite_dir,
    wrk,
)
from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import bootstrap
from rustok.cli.migrate import migrate_and_seed
from rustok.cli.user import create_user_in
from rustok.core.context import RequestContext, use_context
from rustok.core.db import utcnow
from rustok.core.events import Envelope
from rustok.modules.commerce.jobs import expire_pending_orders
from rustok.modules.index.projections.products import ProductProjector, project_products
from rustok.outbox.claims import to_claimed
from rustok.outbox.consumers import ConsumerRunner
from rustok.outbox.models import OutboxEvent
from rustok.outbox.store import OutboxStore

CLIENTS = 16
CHECKOUTS = 400
FLOW_CLIENTS = 8
FLOWS = 400
EXPIRED_ORDERS = 200
ONE_DAY = dt.timedelta(days=1)
ADMIN = ("bench-admin@example.com", "bench admin password")
ADDRESS = {
    "first_name": "Bench", "last_name": "Mark", "address1": "1 Main St", "city": "Springfield",
    "postal_code": "12345", "country_code": "US",
}  # fmt: skip
Json = dict[str, Any]


async def _seed(base: str, variants: int = 30) -> tuple[dict[str, str], list[str]]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        login = await client.post("/api/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]})
        login.raise_for_status()
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        ids: list[str] = []
        for i in range(variants // 3):
            body = {
                "status": "active",
                "translations": [{"locale": "en", "title": f"Bench product {i}"}],
                "options": [{"name": "Size", "values": ["S", "M", "L"]}],
                "variants": [
                    {"sku": f"BENCH-{i}-{s}", "options": {"Size": s}, "inventory_quantity": 1_000_000,
                     "prices": [{"currency_code": "USD", "amount": 1000 + 10 * i}]}
                    for s in ("S", "M", "L")
                ],
            }  # fmt: skip
            created = await client.post("/api/commerce/products", json=body, headers=admin)
            created.raise_for_status()
            ids += [v["id"] for v in created.json()["variants"]]
        return admin, ids


async def _carts(base: str, variants: list[str], count: int, lines: int) -> list[Json]:
    rng = random.Random(7)
    semaphore = asyncio.Semaphore(CLIENTS)

    async def one(client: httpx.AsyncClient) -> Json:
        async with semaphore:
            cart: Json = (await client.post("/api/store/carts", json={})).json()
            for variant in rng.sample(variants, lines):
                response = await client.post(
                    f"/api/store/carts/{cart['id']}/items", json={"variant_id": variant, "quantity": 1},
                    headers={"X-Cart-Token": cart["token"]},
                )  # fmt: skip
                response.raise_for_status()
            return cart

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        return list(await asyncio.gather(*(one(client) for _ in range(count))))


def _problem(response: httpx.Response) -> str:
    """``status code`` of a failed request, e.g. ``409 INSUFFICIENT_INVENTORY``."""
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} {response.text[:80]!r}"
    return f"{response.status_code} {body.get('code') if isinstance(body, dict) else body!r}"


def _failures(problems: list[str]) -> str:
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem] = counts.get(problem, 0) + 1
    details = ", ".join(f"{n}× {p}" for p, n in sorted(counts.items()))
    return f"failed {len(problems)}" + (f" ({details})" if details else "")


async def _checkouts(base: str, carts: list[Json]) -> tuple[list[float], float, list[str]]:
    queue: asyncio.Queue[Json] = asyncio.Queue()
    for cart in carts:
        queue.put_nowait(cart)
    latencies: list[float] = []
    problems: list[str] = []

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            cart = queue.get_nowait()
            started = time.perf_counter()
            response = await client.post(
                f"/api/store/carts/{cart['id']}/checkout",
                json={"email": "bench@example.com", "shipping_address": ADDRESS},
                headers={"X-Cart-Token": cart["token"], "Idempotency-Key": f"bench-{cart['id']}"},
            )  # fmt: skip
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                problems.append(_problem(response))

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed, problems


async def _flows(
    base: str, variants: list[str], flows: int = FLOWS
) -> tuple[list[float], float, list[str]]:
    """``flows`` checkout flows by FLOW_CLIENTS clients: create a cart, add a line, set the
    email and country, check out. Latencies are per whole flow; a flow stops at its first
    failed step."""
    rng = random.Random(11)
    todo = iter(range(flows))
    latencies: list[float] = []
    problems: list[str] = []

    async def flow(client: httpx.AsyncClient) -> None:
        started = time.perf_counter()
        created = await client.post("/api/store/carts", json={})
        if created.status_code != 201:
            problems.append("create " + _problem(created))
            return
        cart = created.json()
        token = {"X-Cart-Token": cart["token"]}
        path = f"/api/store/carts/{cart['id']}"
        steps = (
            ("add", "POST", f"{path}/items",
             {"variant_id": rng.choice(variants), "quantity": 1}, 201),
            ("update", "PATCH", path, {"email": "flow@example.com", "country_code": "US"}, 200),
            ("checkout", "POST", f"{path}/checkout",
             {"email": "flow@example.com", "shipping_address": ADDRESS}, 201),
        )  # fmt: skip
        for name, method, url, body, expected in steps:
            response = await client.request(method, url, json=body, headers=token)
            if response.status_code != expected:
                problems.append(f"{name} {_problem(response)}")
                return
        latencies.append((time.perf_counter() - started) * 1000)

    async def worker(client: httpx.AsyncClient) -> None:
        for _ in todo:
            await flow(client)

    limits = httpx.Limits(max_connections=FLOW_CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(FLOW_CLIENTS)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed, problems


def _add_to_cart_script(path: Path, carts: list[Json], variant: str) -> str:
    pairs = ",".join(f'{{"{c["id"]}","{c["token"]}"}}' for c in carts)
    body = json.dumps({"variant_id": variant, "quantity": 1}).replace('"', '\\"')
    path.write_text(
        f"local carts = {{{pairs}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i + 1\n"
        "  local c = carts[(i % #carts) + 1]\n"
        '  return wrk.format("POST", "/api/store/carts/" .. c[1] .. "/items",\n'
        '    {["Content-Type"] = "application/json", ["X-Cart-Token"] = c[2]},\n'
        f'    "{body}")\n'
        "end\n"
    )
    return str(path)


def _measure(
    label: str, database_url: str, data: Path, seconds: int, workers: int = 1
) -> list[tuple[str, str]]:
    env = bench_env(database_url, data, RUSTOK_RATE_LIMIT="0",
                    RUSTOK_LOGIN_RATE_LIMIT="1000000/minute", RUSTOK_DB_POOL_SIZE="20")  # fmt: skip
    migrate(env)
    rustok(env, "user", "create", "--tenant", "default", "--email", ADMIN[0],
           "--password", ADMIN[1], "--role", "admin")  # fmt: skip
    with served(env, workers=workers) as server:
        _, variants = asyncio.run(_seed(server.base_url))
        add_carts = asyncio.run(_carts(server.base_url, variants, 64, 0))
        script = _add_to_cart_script(data / "add.lua", add_carts, variants[0])
        wrk(server.base_url + "/", connections=CLIENTS, seconds=2, script=script)  # warm-up
        added = wrk(server.base_url + "/", connections=CLIENTS, seconds=seconds, script=script)
        carts = asyncio.run(_carts(server.base_url, variants, CHECKOUTS, 2))
        latencies, elapsed, problems = asyncio.run(_checkouts(server.base_url, carts))
    return [
        (f"{label}: add-to-cart, wrk 16 connections",
         f"{added.requests_per_second:,.0f} req/s, p50 {added.latency_p50_ms:.1f} ms, "
         f"p99 {added.latency_p99_ms:.1f} ms, non-2xx {added.non_2xx}"),
        (f"{label}: checkout, 16 clients, {len(latencies)} orders of 2 lines",
         f"{len(latencies) / elapsed:,.0f} orders/s, p50 {percentile(latencies, 50):.1f} ms, "
         f"p99 {percentile(latencies, 99):.1f} ms, {_failures(problems)}"),
    ]  # fmt: skip


def _measure_flow(label: str, database_url: str, data: Path) -> tuple[str, str]:
    """The checkout flow against ``serve --workers 2`` (its own database)."""
    env = bench_env(database_url, data, RUSTOK_RATE_LIMIT="0",
                    RUSTOK_LOGIN_RATE_LIMIT="1000000/minute", RUSTOK_DB_POOL_SIZE="20")  # fmt: skip
    migrate(env)
    rustok(env, "user", "create", "--tenant", "default", "--email", ADMIN[0],
           "--password", ADMIN[1], "--role", "admin")  # fmt: skip
    with served(env, workers=2) as server:
        _, variants = asyncio.run(_seed(server.base_url))
        asyncio.run(_flows(server.base_url, variants, flows=FLOW_CLIENTS * 4))  # warm-up
        latencies, elapsed, problems = asyncio.run(_flows(server.base_url, variants))
    return (
        f"{label}, 2 workers: checkout flow (cart, line, email/country, checkout), "
        f"{FLOW_CLIENTS} clients",
        f"{len(latencies) / elapsed:,.0f} flows/s, p50 {percentile(latencies, 50):.1f} ms, "
        f"p99 {percentile(latencies, 99):.1f} ms per flow, {_failures(problems)}",
    )


@asynccontextmanager
async def _in_process(
    url: str, data: Path
) -> AsyncIterator[tuple[RustokApp, httpx.AsyncClient, Json]]:
    """A migrated app without the event runtime, an ASGI client and an admin's headers."""
    settings = make_settings(url, data, rate_limit="0", serve_events=False)
    await migrate_and_seed(settings)
    app = create_app(settings, platform=bootstrap(settings))
    await create_user_in(app.platform, "default", ADMIN[0], ADMIN[1], "admin", None)
    try:
        async with serve_app(app) as client:
            login = await client.post(
                "/api/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]}
            )
            yield app, client, {"Authorization": f"Bearer {login.json()['access_token']}"}
    finally:
        await app.platform.aclose()


async def _product_variants(
    client: httpx.AsyncClient, admin: Json, sku: str, variants: int, stock: int
) -> list[str]:
    body = {
        "status": "active", "translations": [{"locale": "en", "title": sku}],
        "variants": [{"sku": f"{sku}-{n}", "inventory_quantity": stock, "options": {},
                      "prices": [{"currency_code": "USD", "amount": 500}]} for n in range(variants)],
    }  # fmt: skip
    created = await client.post("/api/commerce/products", json=body, headers=admin)
    assert created.status_code == 201, created.text
    return [v["id"] for v in created.json()["variants"]]


async def _filled_cart(client: httpx.AsyncClient, variants: list[str]) -> tuple[Json, Json]:
    """A new anonymous cart holding one of each variant, and its token header."""
    cart = (await client.post("/api/store/carts", json={})).json()
    token = {"X-Cart-Token": cart["token"]}
    for variant in variants:
        await client.post(f"/api/store/carts/{cart['id']}/items",
                          json={"variant_id": variant, "quantity": 1}, headers=token)  # fmt: skip
    return cart, token


async def _statements(url: str, data: Path) -> list[int]:
    counts = []
    async with _in_process(url, data) as (app, client, admin):
        variants: list[str] = []
        for i in range(4):
            variants += await _product_variants(client, admin, f"C-{i}", 3, 100)
        for size in (1, 1, 12):  # the first order also creates the tenant's number sequence
            cart, token = await _filled_cart(client, variants[:size])
            with count_queries(app.platform.db) as counter:
                response = await client.post(
                    f"/api/store/carts/{cart['id']}/checkout",
                    json={"email": "c@example.com", "shipping_address": ADDRESS},
                    headers={**token, "Idempotency-Key": f"count-{size}-{cart['id']}"},
                )  # fmt: skip
            assert response.status_code == 201, response.text
            counts.append(counter.count)
    return counts[1:]


async def _projector_statements(url: str, data: Path) -> tuple[int, int, int]:
    """Statements of ``index.products`` for the events of one checkout of 2 lines (handled
    as one batch, as a lane finds them), the number of those events, and the statements of
    projecting one of the products whole (what each stock event cost before)."""
    async with _in_process(url, data) as (app, client, admin):
        variants = [
            *await _product_variants(client, admin, "P-a", 3, 100),
            *await _product_variants(client, admin, "P-b", 3, 100),
        ]
        first, token = await _filled_cart(client, variants[:1])  # numbers the orders
        await client.post(f"/api/store/carts/{first['id']}/checkout", headers=token,
                          json={"email": "c@example.com", "shipping_address": ADDRESS})  # fmt: skip
        runner = ConsumerRunner(project_products, app.platform.db, app.platform.uow, lanes=1,
                                max_attempts=1, tenants=app.platform.tenants)  # fmt: skip
        await runner._handle_batch(await _pending(app, project_products.type_names))
        cart, token = await _filled_cart(client, [variants[0], variants[3]])
        await _pending(app, project_products.type_names)  # the cart's: none of these types
        placed = await client.post(
            f"/api/store/carts/{cart['id']}/checkout", headers=token,
            json={"email": "c@example.com", "shipping_address": ADDRESS},
        )  # fmt: skip
        assert placed.status_code == 201, placed.text
        events = await _pending(app, project_products.type_names)
        with count_queries(app.platform.db) as counter:
            await runner._handle_batch(events)
        product = events[0].payload["product_id"]
        tenant = await app.platform.tenants.by_id(events[0].tenant_id)  # type: ignore[union-attr]
        assert tenant is not None
        with use_context(RequestContext(tenant=tenant)):
            async with app.platform.uow() as uow:
                with count_queries(app.platform.db) as whole:
                    await ProductProjector(uow.session, tenant).project([uuid.UUID(product)])
        return counter.count, len(events), whole.count


async def _pending(app: RustokApp, types: frozenset[str]) -> list[Envelope]:
    """The outbox rows of these types not yet marked (no relay runs), oldest first; marked."""
    store = OutboxStore(app.platform.db, max_attempts=1)
    async with app.platform.db.read_session(all_tenants=True) as session:
        rows = list(await session.scalars(
            select(OutboxEvent).where(OutboxEvent.status == "pending").order_by(OutboxEvent.id)
        ))  # fmt: skip
    await store.mark_dispatched([r.id for r in rows])
    return [to_claimed(r).envelope for r in rows if r.event_type in types]


async def _expiry(url: str, data: Path, orders: int = EXPIRED_ORDERS) -> tuple[float, float]:
    """Expired orders per second and SQL statements per expired order."""
    async with _in_process(url, data) as (app, client, admin):
        variants = await _product_variants(client, admin, "E", 2, 10_000)
        for _ in range(orders):
            cart, token = await _filled_cart(client, variants)
            placed = await client.post(
                f"/api/store/carts/{cart['id']}/checkout",
                json={"email": "c@example.com", "shipping_address": ADDRESS}, headers=token,
            )  # fmt: skip
            assert placed.status_code == 201, placed.text
        with count_queries(app.platform.db) as counter:
            started = time.perf_counter()
            expired = await expire_pending_orders(app.platform, now=utcnow() + ONE_DAY * 2)
            elapsed = time.perf_counter() - started
    assert expired == orders, expired
    return orders / elapsed, counter.count / orders


def run(seconds: int = 8) -> None:
    rows: list[tuple[str, str]] = []
    with sqlite_dir() as data:
        rate, per_order = asyncio.run(_expiry(f"sqlite+aiosqlite:///{data}/expiry.db", data))
        rows.append((f"SQLite: expire {EXPIRED_ORDERS} pending orders (2 lines each)",
                     f"{rate:,.0f} orders/s, {per_order:.1f} statements per order"))  # fmt: skip
    pg = start_postgres()
    try:
        with sqlite_dir() as data:
            rate, per_order = asyncio.run(_expiry(pg.url, data))
            rows.append((f"PostgreSQL: expire {EXPIRED_ORDERS} pending orders (2 lines each)",
                         f"{rate:,.0f} orders/s, {per_order:.1f} statements per order"))  # fmt: skip
    finally:
        pg.close()
    pg = start_postgres()
    try:
        for name, url in (
            ("SQLite", "sqlite+aiosqlite:///{data}/count.db"),
            ("PostgreSQL", pg.url),
        ):
            with sqlite_dir() as data:
                one, twelve = asyncio.run(_statements(url.format(data=data), data))
            rows.append((f"{name}: SQL statements of a checkout (1 line / 12 lines)",
                         f"{one} / {twelve}"))  # fmt: skip
    finally:
        pg.close()
    pg = start_postgres()
    try:
        for name, url in (
            ("SQLite", "sqlite+aiosqlite:///{data}/projector.db"),
            ("PostgreSQL", pg.url),
        ):
            with sqlite_dir() as data:
                batch, events, whole = asyncio.run(
                    _projector_statements(url.format(data=data), data)
                )
            rows.append((f"{name}: index.products statements for one checkout of 2 lines "
                         f"({events} events, one batch) / projecting one product whole",
                         f"{batch} / {whole}"))  # fmt: skip
    finally:
        pg.close()
    with sqlite_dir() as data:
        rows += _measure("SQLite, 1 worker", f"sqlite+aiosqlite:///{data}/bench.db", data, seconds)
    for workers in (1, 2):
        pg = start_postgres()
        try:
            with sqlite_dir() as data:
                label = f"PostgreSQL, {workers} worker{'s' if workers > 1 else ''}"
                rows += _measure(label, pg.url, data, seconds, workers)
        finally:
            pg.close()
    with sqlite_dir() as data:
        rows.append(_measure_flow("SQLite", f"sqlite+aiosqlite:///{data}/flow.db", data))
    pg = start_postgres()
    try:
        with sqlite_dir() as data:
            rows.append(_measure_flow("PostgreSQL", pg.url, data))
    finally:
        pg.close()
    print_table("commerce: add-to-cart and checkout at 16 concurrent clients", rows)


if __name__ == "__main__":
    run()
