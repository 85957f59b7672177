"""The admin UI's list pages, in process, on SQLite and on a private PostgreSQL.

Figures per database: server render time p50/p99 of ``/admin/commerce/products`` and
``/admin/commerce/orders`` holding 50 rows (sequential requests of a signed-in admin over
the ASGI transport: the request through the session check, the service, the template and
the answer, without a network or a server in between), and the SQL statements each page
costs (``count_queries``, the same count the statement-budget tests assert).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
from tests.admin.helpers import admin_sign_in
from tests.auth.helpers import make_user, sign_in
from tests.conftest import count_queries, serve_app
from tests.modules.commerce.helpers import add_item, checkout, create_product, new_cart

from bench.harness import (
    BENCH_SECRET,
    bench_env,
    migrate,
    on_both_databases,
    percentile,
    print_table,
)
from rustok.api.app import RustokApp, create_app
from rustok.bootstrap import load_all_settings

EMAIL = "bench-admin@example.com"
ROWS = 50
REQUESTS = 200  # timed requests per page, after 10 warm-up ones
PAGES = {"products": "/admin/commerce/products", "orders": "/admin/commerce/orders"}


async def _seed(client: httpx.AsyncClient, app: RustokApp) -> None:
    """ROWS products (two variants each) and ROWS orders through the REST API."""
    await make_user(app.platform, EMAIL, "admin")
    token = await sign_in(client, EMAIL)
    api = {"Authorization": f"Bearer {token['access_token']}"}
    variants = []
    for n in range(ROWS):
        product = await create_product(client, api, title=f"Bench tee {n}", variants=2)
        variants.append(product["variants"][0]["id"])
    for n, variant in enumerate(variants):
        cart = await new_cart(client, currency_code="USD")
        await add_item(client, cart, variant, 1)
        placed = await checkout(client, cart, key=f"bench-{n}")
        assert placed.status_code == 201, placed.text


async def _measure(database_url: str, data: Path) -> dict[str, tuple[list[float], int]]:
    settings = load_all_settings({}, warn=False, database_url=database_url, data_dir=str(data),
                                 secret_key=BENCH_SECRET, serve_events=False, rate_limit="0", log_level="warning",
                                 login_rate_limit="1000000/minute",
                                 login_ip_rate_limit="1000000/minute")  # fmt: skip
    app = create_app(settings)
    found: dict[str, tuple[list[float], int]] = {}
    async with serve_app(app) as client:
        await _seed(client, app)
        client.cookies.clear()
        assert (await admin_sign_in(client, EMAIL)).status_code == 303
        for name, path in PAGES.items():
            for _ in range(10):
                assert (await client.get(path)).status_code == 200
            times = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                response = await client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            with count_queries(app.platform.db) as counter:
                listed = await client.get(path)
            assert listed.text.count("<tr") >= ROWS, f"{path} shows fewer than {ROWS} rows"
            found[name] = (times, counter.count)
    return found


def _database(label: str, database_url: str, data: Path) -> list[tuple[str, str]]:
    migrate(bench_env(database_url, data))
    found = asyncio.run(_measure(database_url, data))
    return [
        (f"{label}: {name} list, {ROWS} rows ({REQUESTS} sequential)",
         f"p50 {percentile(times, 50):.1f} ms, p99 {percentile(times, 99):.1f} ms, "
         f"{statements} SQL statements")
        for name, (times, statements) in found.items()
    ]  # fmt: skip


def run() -> None:
    rows = on_both_databases(_database)
    print_table("admin: server render time and statements of the 50-row list pages", rows)


if __name__ == "__main__":
    run()
