"""Storefront read models (index) on a served app, on SQLite and on a private PostgreSQL.

Figures per database:

- seeding: 10,000 products and 2,000 posts, each in two locales (en, de falling back to en),
  written straight into the read model through ``ListingStore`` in transactions of 500
  listings; a product listing is its row plus its search entry (and one price row per
  product), a post likewise without the price; time, listings/s and rows/s;
- reads, ``rustok serve --workers 2``, wrk for 8 s after 2 s of warm-up: the list of 20
  (newest first) at 16 and 64 connections, one product by a random handle at 16 and 64,
  search for a random vocabulary word at 16, and the list filtered by a price range and
  sorted by price at 16; requests/s, p50, p99 and non-2xx answers;
- index lag: 20 products created over HTTP (outbox -> relay -> ``index.products``), then 100
  sequential title PATCHes while a background thread adjusts inventory at about 10/s; after
  each PATCH the client polls the product by handle every 5 ms; lag is the time from the
  PATCH response to the answer of the first poll showing the new title (p50/p99/max), next
  to the server's own ``rustok_index_lag_seconds{read_model="products"}`` (count, sum, mean);
- SQL statements of one list of 20 and of 100, counted in process (goal: 1 each).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import random
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from tests.conftest import count_queries, serve_app

from bench.harness import (
    BENCH_SECRET,
    WrkResult,
    bench_env,
    migrate,
    on_both_databases,
    percentile,
    print_table,
    rustok,
    served,
    wrk,
)
from rustok.api.app import create_app
from rustok.bootstrap import bootstrap, load_all_settings
from rustok.core.context import DEFAULT_TENANT_ID, RequestContext, TenantRef, use_context
from rustok.core.platform import Platform
from rustok.core.settings import Settings
from rustok.modules.index.documents import ContentDocument, PriceRange, ProductDocument
from rustok.modules.index.store import ListingStore
from rustok.tenancy.schemas import LocaleSetting, TenantUpdate
from rustok.tenancy.service import TenantService

PRODUCTS = 10_000
POSTS = 2_000
BATCH = 500  # listings per transaction
LOCALES = ("en", "de")
LAG_PRODUCTS = 20
PATCHES = 100
WRITES_PER_SECOND = 10
POLL_SECONDS = 0.005
ADMIN = ("bench-index@example.com", "bench index password")
BASE_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PRICE_RANGE = "min_price=2000&max_price=4000&currency=USD&sort=price_asc&limit=20"
# English word -> German word; titles draw one of each list, search asks for an English one.
COLOURS = {"red": "rot", "blue": "blau", "green": "gruen", "black": "schwarz", "white": "weiss",
           "amber": "bernstein", "teal": "petrol", "ivory": "elfenbein"}  # fmt: skip
MATERIALS = {"oak": "eiche", "walnut": "nussbaum", "linen": "leinen", "wool": "wolle",
             "brass": "messing", "copper": "kupfer", "leather": "leder", "marble": "marmor"}  # fmt: skip
NOUNS = {"chair": "stuhl", "lamp": "lampe", "table": "tisch", "vase": "vase", "rug": "teppich",
         "shelf": "regal", "mirror": "spiegel", "stool": "hocker", "bowl": "schale",
         "clock": "uhr"}  # fmt: skip
VOCABULARY = (*COLOURS, *MATERIALS, *NOUNS)
Json = dict[str, Any]
Rows = list[tuple[str, str]]


# --- seeding the read model in process -------------------------------------------------


def _settings(database_url: str, data: Path) -> Settings:
    return load_all_settings({}, warn=False, database_url=database_url, data_dir=str(data),
                         secret_key=BENCH_SECRET, serve_events=False, rate_limit="0")  # fmt: skip


def _words(rng: random.Random) -> tuple[tuple[str, str], tuple[str, str], tuple[str, str]]:
    return (
        rng.choice(list(COLOURS.items())),
        rng.choice(list(MATERIALS.items())),
        rng.choice(list(NOUNS.items())),
    )


def _variant(n: int, size: str, price: int, quantity: int) -> Json:
    """A variant as the product projector stores it."""
    return {
        "id": str(uuid.UUID(int=2**64 + 2 * n + (size == "L"))), "sku": f"ITEM-{n}-{size}",
        "title": size, "options": {"Size": size},
        "prices": [{"currency_code": "USD", "amount": price, "compare_at_amount": None}],
        "inventory_policy": "deny", "available_quantity": quantity, "in_stock": quantity > 0,
    }  # fmt: skip


def _products(n: int, rng: random.Random) -> list[ProductDocument]:
    """Product ``n`` in both locales: two sizes, USD prices, 9 in 10 in stock."""
    colour, material, noun = _words(rng)
    price = rng.randrange(500, 20_000, 5)
    quantity = 0 if n % 10 == 0 else rng.randrange(1, 50)
    variants = [_variant(n, "M", price, quantity), _variant(n, "L", price + 500, quantity)]
    titles = {
        "en": f"{colour[0].title()} {material[0]} {noun[0]} {n}",
        "de": f"{noun[1].title()} aus {material[1]}, {colour[1]} {n}",
    }
    prices = [PriceRange(currency_code="USD", price_min=price, price_max=price + 500,
                         compare_at_max=price + 2000 if n % 5 == 0 else None)]  # fmt: skip
    fields: Json = {
        "product_id": uuid.UUID(int=n + 1), "status": "active", "is_published": True,
        "handle": f"item-{n}", "vendor": "Bench Works",
        "description": f"A {colour[0]} {noun[0]} made of {material[0]}.",
        "tags": [material[0], noun[0]], "options": [{"name": "Size", "values": ["M", "L"]}],
        "variants": variants, "total_inventory": 2 * quantity, "in_stock": quantity > 0,
        "published_at": BASE_TIME + dt.timedelta(minutes=n), "prices": prices,
    }  # fmt: skip
    return [ProductDocument(locale=locale, title=titles[locale], **fields) for locale in LOCALES]


def _posts(n: int, rng: random.Random) -> list[ContentDocument]:
    colour, material, noun = _words(rng)
    titles = {
        "en": f"Caring for a {colour[0]} {material[0]} {noun[0]}",
        "de": f"Pflege: {noun[1].title()} aus {material[1]}",
    }
    fields: Json = {
        "node_id": uuid.UUID(int=10**9 + n), "kind": "post", "status": "published",
        "slug": f"post-{n}", "author_name": "Bench", "tags": [noun[0]],
        "published_at": BASE_TIME + dt.timedelta(minutes=n),
    }  # fmt: skip
    return [
        ContentDocument(
            locale=locale,
            title=titles[locale],
            excerpt=titles[locale],
            body=f"{titles[locale]}. " * 20,
            **fields,
        )
        for locale in LOCALES
    ]


async def _write(platform: Platform, tenant: TenantRef, docs: list[Any], read_at: dt.datetime) -> None:  # fmt: skip
    """One transaction of listings (a product's price row goes with its first locale)."""
    with use_context(RequestContext(tenant=tenant)):
        async with platform.uow() as uow:
            store = ListingStore(uow.session, tenant.id)
            for doc in docs:
                if isinstance(doc, ContentDocument):
                    await store.put_content(doc, read_at)
                elif await store.put_product(doc, read_at) and doc.locale == LOCALES[0]:
                    await store.put_prices(doc.product_id, doc)
            await uow.commit()


async def _seed_model(platform: Platform, tenant: TenantRef, docs: list[Any]) -> float:
    read_at = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    for start in range(0, len(docs), BATCH):
        await _write(platform, tenant, docs[start : start + BATCH], read_at)
    return time.perf_counter() - started


async def _seed(database_url: str, data: Path) -> tuple[float, float]:
    """Enable ``de`` on the default tenant, then write both read models; their seconds."""
    platform = bootstrap(_settings(database_url, data))
    try:
        await TenantService(platform).update(DEFAULT_TENANT_ID, TenantUpdate(locales=[
            LocaleSetting(locale="en"), LocaleSetting(locale="de", fallback="en"),
        ]))  # fmt: skip
        assert platform.tenants is not None
        tenant = await platform.tenants.by_id(DEFAULT_TENANT_ID)
        assert tenant is not None
        assert len(tenant.locales) == len(LOCALES), tenant.locales
        rng = random.Random(42)
        products = [doc for n in range(PRODUCTS) for doc in _products(n, rng)]
        posts = [doc for n in range(POSTS) for doc in _posts(n, rng)]
        return (
            await _seed_model(platform, tenant, products),
            await _seed_model(platform, tenant, posts),
        )
    finally:
        await platform.aclose()


# --- reads under wrk -------------------------------------------------------------------

_SEEDED = (
    "local counter = 0\n"
    "function setup(thread)\n"
    "  counter = counter + 1\n"
    "  thread:set('seed', counter)\n"
    "end\n"
    "function init(args)\n"
    "  math.randomseed(seed * 7919)\n"
    "end\n"
)


def _handle_script(path: Path) -> str:
    path.write_text(
        _SEEDED + "request = function()\n"
        f'  return wrk.format("GET", "/api/store/products/item-" .. math.random(0, {PRODUCTS - 1}))\n'
        "end\n"
    )
    return str(path)


def _search_script(path: Path) -> str:
    words = ",".join(f'"{w}"' for w in VOCABULARY)
    path.write_text(
        _SEEDED + f"local words = {{{words}}}\n"
        "request = function()\n"
        '  return wrk.format("GET", "/api/store/search?q=" .. words[math.random(#words)])\n'
        "end\n"
    )
    return str(path)


def _wrk_row(result: WrkResult) -> str:
    return (f"{result.requests_per_second:,.0f} req/s, p50 {result.latency_p50_ms:.1f} ms, "
            f"p99 {result.latency_p99_ms:.1f} ms, non-2xx {result.non_2xx}")  # fmt: skip


def _reads(label: str, base: str, data: Path, seconds: int) -> Rows:
    handles, searches = _handle_script(data / "handle.lua"), _search_script(data / "search.lua")
    runs = [
        ("list of 20", "/api/store/products?limit=20", None, 16),
        ("list of 20", "/api/store/products?limit=20", None, 64),
        ("product by random handle", "/", handles, 16),
        ("product by random handle", "/", handles, 64),
        ("search, random word", "/", searches, 16),
        ("list of 20, price 20-40 USD, sort=price_asc", f"/api/store/products?{PRICE_RANGE}", None, 16),
    ]  # fmt: skip
    rows: Rows = []
    for name, path, script, connections in runs:
        wrk(base + path, connections=connections, seconds=2, script=script)  # warm-up
        result = wrk(base + path, connections=connections, seconds=seconds, script=script)
        rows.append((f"{label}: {name}, wrk -c{connections}", _wrk_row(result)))
    return rows


# --- index lag under steady writes -----------------------------------------------------


def _lag_products(client: httpx.Client) -> list[Json]:
    products = []
    for i in range(LAG_PRODUCTS):
        body = {
            "status": "active",
            "translations": [{"locale": "en", "title": f"Lag product {i}", "handle": f"lag-{i}"}],
            "variants": [{"sku": f"LAG-{i}", "inventory_quantity": 1000, "options": {},
                          "prices": [{"currency_code": "USD", "amount": 1500 + i}]}],
        }  # fmt: skip
        response = client.post("/api/commerce/products", json=body)
        assert response.status_code == 201, response.text
        products.append(response.json())
    return products


def _shown(client: httpx.Client, handle: str, title: str, limit: float = 30.0) -> float | None:
    """Poll the storefront until ``handle`` shows ``title``; seconds, or None on timeout."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        response = client.get(f"/api/store/products/{handle}")
        if response.status_code == 200 and response.json()["title"] == title:
            return time.perf_counter() - started
        time.sleep(POLL_SECONDS)
    return None


class SteadyWriter(threading.Thread):
    """Adjusts the variants' inventory in turn at about WRITES_PER_SECOND until stopped."""

    def __init__(self, base: str, headers: dict[str, str], variants: list[str]) -> None:
        super().__init__(daemon=True)
        self.base, self.headers, self.variants = base, headers, variants
        self.stop = threading.Event()
        self.done = self.failed = 0
        self.seconds = 0.0
        self.errors: list[str] = []

    def run(self) -> None:
        started = time.perf_counter()
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as client:
            for n in itertools.count():
                # Paced by the clock, so slow answers do not lower the rate.
                pause = started + n / WRITES_PER_SECOND - time.perf_counter()
                if self.stop.wait(max(pause, 0)):
                    break
                variant = self.variants[n % len(self.variants)]
                response = client.post(
                    f"/api/commerce/variants/{variant}/inventory/adjust", json={"delta": 1}
                )
                if response.status_code == 200:
                    self.done += 1
                else:
                    self.failed += 1
                    self.errors.append(f"{response.status_code} {response.text[:200]}")
        self.seconds = time.perf_counter() - started


def _histogram(metrics: str, name: str, labels: str) -> str:
    """The count, sum and mean of a histogram series in the Prometheus text format."""
    values = []
    for part in ("count", "sum"):
        match = re.search(rf"^{name}_{part}\{{{re.escape(labels)}\}} (\S+)$", metrics, re.M)
        if match is None:
            return f"series missing: /metrics answered {len(metrics):,} characters"
        values.append(float(match.group(1)))
    count, total = values
    return f"count {count:.0f}, sum {total:.2f} s, mean {1000 * total / max(count, 1):.0f} ms"


def _lag(label: str, base: str) -> Rows:
    token = httpx.post(base + "/api/auth/login",
                       json={"email": ADMIN[0], "password": ADMIN[1]}).json()["access_token"]  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as admin, \
            httpx.Client(base_url=base, timeout=30) as shop:  # fmt: skip
        products = _lag_products(admin)
        for i, _ in enumerate(products):  # created and projected before the clock starts
            assert _shown(shop, f"lag-{i}", f"Lag product {i}") is not None, f"lag-{i} not listed"
        writer = SteadyWriter(base, headers, [p["variants"][0]["id"] for p in products])
        writer.start()
        lags, missed = [], 0
        try:
            for n in range(PATCHES):
                i, title = n % LAG_PRODUCTS, f"Lag product {n % LAG_PRODUCTS} rev {n}"
                response = admin.patch(f"/api/commerce/products/{products[i]['id']}",
                                       json={"translations": [{"locale": "en", "title": title}]})  # fmt: skip
                assert response.status_code == 200, response.text
                seconds = _shown(shop, f"lag-{i}", title)
                if seconds is None:
                    missed += 1
                else:
                    lags.append(seconds * 1000)
        finally:
            writer.stop.set()
            writer.join()
        metrics = shop.get("/metrics").text
    if writer.errors:
        print(f"{label}: inventory adjust failures, first: {writer.errors[0]}")
    return [
        (f"{label}: index lag, {len(lags)} title PATCHes polled every 5 ms",
         f"p50 {percentile(lags, 50):.0f} ms, p99 {percentile(lags, 99):.0f} ms, "
         f"max {max(lags):.0f} ms, not shown within 30 s {missed}"),
        (f"{label}: background inventory adjusts during the PATCHes",
         f"{writer.done} done ({writer.done / writer.seconds:.1f}/s), {writer.failed} failed"),
        (f"{label}: server rustok_index_lag_seconds{{read_model=products}}",
         _histogram(metrics, "rustok_index_lag_seconds", 'read_model="products"')),
    ]  # fmt: skip


# --- statements per list ---------------------------------------------------------------


async def _query_counts(database_url: str, data: Path) -> tuple[int, int]:
    app = create_app(_settings(database_url, data))
    counts = []
    async with serve_app(app) as client:
        await client.get("/api/store/products?limit=20")  # warm the tenant cache
        for limit in (20, 100):
            with count_queries(app.platform.db) as counter:
                response = await client.get(f"/api/store/products?limit={limit}")
            assert response.status_code == 200, response.text
            assert len(response.json()["items"]) == limit
            counts.append(counter.count)
    return counts[0], counts[1]


def _database(label: str, database_url: str, data: Path, seconds: int) -> Rows:
    env = bench_env(database_url, data, RUSTOK_RATE_LIMIT="0",
                    RUSTOK_LOGIN_RATE_LIMIT="1000000/minute")  # fmt: skip
    migrate(env)
    rustok(env, "user", "create", "--tenant", "default", "--email", ADMIN[0],
           "--password", ADMIN[1], "--role", "admin")  # fmt: skip
    product_seconds, post_seconds = asyncio.run(_seed(database_url, data))
    listings, posts = PRODUCTS * len(LOCALES), POSTS * len(LOCALES)
    # Rows: each listing and its search entry, plus one price row per product.
    product_rows, post_rows = 2 * listings + PRODUCTS, 2 * posts
    rows = [
        (f"{label}: seed {PRODUCTS:,} products x {len(LOCALES)} locales",
         f"{product_seconds:.1f} s, {listings / product_seconds:,.0f} listings/s "
         f"({product_rows / product_seconds:,.0f} rows/s with search entries and prices)"),
        (f"{label}: seed {POSTS:,} posts x {len(LOCALES)} locales",
         f"{post_seconds:.1f} s, {posts / post_seconds:,.0f} listings/s "
         f"({post_rows / post_seconds:,.0f} rows/s with search entries)"),
    ]  # fmt: skip
    with served(env, workers=2) as server:
        rows += _reads(label, server.base_url, data, seconds)
        rows += _lag(label, server.base_url)
    list_20, list_100 = asyncio.run(_query_counts(database_url, data))
    rows.append((f"{label}: SQL statements per list of 20 / 100", f"{list_20} / {list_100}"))
    return rows


def run(seconds: int = 8) -> None:
    rows = on_both_databases(lambda label, url, data: _database(label, url, data, seconds))
    print_table("index: storefront reads (2 workers), seeding, index lag, statements", rows)


if __name__ == "__main__":
    run()
