"""What the access log and the API-key check cost the storefront (issue 15: at most 5 %).

Part of the storefront suite (``bench/storefront.py`` adds these rows per database), and a
suite of its own on both databases: ``make bench SUITES=overhead``.

- Access log: the cached list of 20 (the cheapest storefront read, so the largest share for
  a fixed cost per request) from two apps, ``RUSTOK_ACCESS_LOG`` off and on, served by one
  Granian process and chosen by a header (``bench/two_apps.py``: two servers differ by a few
  percent round to round whatever they run), loaded alternately, ``ROUNDS`` times each, both
  at ``RUSTOK_LOG_LEVEL=info`` with JSON lines written to a file (what production does;
  below ``info`` the line costs nothing); besides the ratio of medians, each round's own.
- API key: the same list anonymous, with ``X-Api-Key`` of a valid key (verified and cached
  by the tenant middleware), and with a header the app ignores of the same size, in turn on
  one server with the access log off, ``KEY_ROUNDS`` rounds (each side in each place of the
  order alike often); besides the ratio of medians, each round's own key ÷ anonymous ratio
  (back to back, so a drift between rounds does not pass for a cost). The ignored header
  splits a served key's cost in two: the bytes of a credential on the wire, which any
  authenticated request carries (Granian parses them, the middlewares copy them), and the
  check itself.

The ratios are of medians of server CPU µs per request (the figure least disturbed by the
machine's noise) and of requests/s.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.harness import RUSTOK, bench_env, migrate, on_both_databases, print_table, served
from bench.index import seed_read_models
from bench.storefront import LIST, Load, load
from bench.two_apps import OFF, ON

ROUNDS = 12
# The key's cost is a few percent, within the round-to-round drift of a served process: more
# rounds, and each round's own ratio besides the ratio of medians.
KEY_ROUNDS = 12  # each of the six orders of three sides twice
BENCH_USER = "bench-keys@example.com"
Rows = list[tuple[str, str]]


def _ratio(name: str, base: list[Load], other: list[Load]) -> tuple[str, str]:
    cpu = statistics.median(x.cpu_us for x in other) / statistics.median(x.cpu_us for x in base)
    rps = statistics.median(x.requests_per_second for x in base) / statistics.median(
        x.requests_per_second for x in other
    )
    detail = ", ".join(f"{x.cpu_us:,.0f}" for x in other)
    return name, f"{cpu:.3f}x CPU/req (µs: {detail}), {rps:.3f}x by req/s"


def _pairwise(name: str, base: list[Load], other: list[Load]) -> tuple[str, str]:
    """Each round's ratio (both sides measured back to back), so a drift between rounds
    does not pass for a cost."""
    ratios = [o.cpu_us / b.cpu_us for b, o in zip(base, other, strict=True)]
    dearer = sum(1 for ratio in ratios if ratio > 1)
    return name, (
        f"median {statistics.median(ratios):.3f}x CPU/req, dearer in {dearer} of {len(ratios)} "
        f"rounds ({', '.join(f'{ratio:.2f}' for ratio in ratios)})"
    )


def _key(env: dict[str, str]) -> str:
    """A products:list key of a new administrator of the default tenant."""
    subprocess.run(
        [RUSTOK, "user", "create", "--tenant", "default", "--email", BENCH_USER,
         "--password", "bench-password-123", "--role", "admin"],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    done = subprocess.run(
        [RUSTOK, "apikey", "create", "--tenant", "default", "--user", BENCH_USER,
         "--name", "bench", "--permission", "products:list"],
        env=env, check=False, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"rustok apikey create exited {done.returncode}: {done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def overheads(label: str, env: dict[str, str], data: Path) -> Rows:
    """The access log's and the API key's cost on the cached list (seeded read models)."""
    logged = {**env, "RUSTOK_LOG_LEVEL": "info", "RUSTOK_LOG_FORMAT": "json"}
    off: list[Load] = []
    on: list[Load] = []
    halves: list[tuple[list[Load], tuple[str, ...]]] = [
        (off, (f"X-Bench-Side: {OFF.decode()}",)),
        (on, (f"X-Bench-Side: {ON.decode()}",)),
    ]
    # Both apps in one served process (bench/two_apps.py), loaded in turn.
    with served(logged, target="bench.two_apps:access_log_pair", log=data / "access.log") as pair:
        for n in range(ROUNDS):
            for into, headers in halves if n % 2 == 0 else reversed(halves):
                into.append(load(pair, LIST, headers=headers))
            print(f"  access log off: {off[-1].row()}; on: {on[-1].row()}", flush=True)
    lines = sum(
        1
        for line in (data / "access.log").read_text().splitlines()
        if '"event": "request"' in line or '"event":"request"' in line
    )
    key = _key(env)
    anonymous: list[Load] = []
    keyed: list[Load] = []
    sized: list[Load] = []  # a header the app ignores, as long as the key's
    sides = [(anonymous, ()), (keyed, (f"X-Api-Key: {key}",)), (sized, (f"X-Api-Kez: {key}",))]
    with served({**env, "RUSTOK_ACCESS_LOG": "false"}, log=data / "keys.log") as server:
        for n in range(KEY_ROUNDS):  # each side in each place of the order, alike often
            turn = sides[n % 3 :] + sides[: n % 3]
            for into, headers in turn if n % 2 == 0 else reversed(turn):
                into.append(load(server, LIST, headers=headers))
            print(f"  anonymous: {anonymous[-1].row()}; key: {keyed[-1].row()}; "
                  f"same-size header: {sized[-1].row()}", flush=True)  # fmt: skip
    assert all(x.non_2xx == 0 for x in [*off, *on, *anonymous, *keyed, *sized])
    direct = asyncio.run(_in_process(logged, key, data, statistics.median(x.cpu_us for x in off)))
    return [
        (f"{label}: {LIST}, access log off (median of {ROUNDS})",
         f"{statistics.median(x.cpu_us for x in off):,.0f} µs CPU/req, "
         f"{statistics.median(x.requests_per_second for x in off):,.0f} req/s"),
        _ratio(f"{label}:   access log on ÷ off ({lines:,} lines written)", off, on),
        _pairwise(f"{label}:     the same, round by round", off, on),
        _ratio(f"{label}:   with X-Api-Key ÷ anonymous", anonymous, keyed),
        _pairwise(f"{label}:     the same, round by round", anonymous, keyed),
        _ratio(f"{label}:   an ignored header of the key's size ÷ anonymous", anonymous, sized),
        _ratio(f"{label}:   with X-Api-Key ÷ that header (the check alone)", sized, keyed),
        *((f"{label}: in one process, {name}", figure) for name, figure in direct),
    ]  # fmt: skip


CALLS = 2000
PROCESS_ROUNDS = 9
ANONYMOUS = [(b"host", b"bench"), (b"accept", b"*/*")]


async def _in_process(env: dict[str, str], key: str, data: Path, served_cpu: float) -> Rows:
    """Two apps in this process, differing in the access log alone, answer ``CALLS`` direct
    ASGI calls of the cached list in turn, ``PROCESS_ROUNDS`` rounds; then one app answers
    them anonymous and with the key in turn. CPU µs per call, medians. No HTTP server, and
    the two sides share one process, so no process-to-process noise. The µs each adds are
    also given as a share of ``served_cpu``, a served request's CPU (the servers above): the
    cost the storefront sees."""
    from tests.lifespan import LifespanManager

    from rustok.api.app import create_app
    from rustok.bootstrap import load_all_settings

    apps = {flag: create_app(load_all_settings({**env, "RUSTOK_ACCESS_LOG": flag}, warn=False))
            for flag in ("false", "true")}  # fmt: skip
    keyed = [*ANONYMOUS, (b"x-api-key", key.encode())]
    spent: dict[str, list[float]] = {"off": [], "on": [], "anonymous": [], "key": []}
    sides = {"off": (apps["false"], ANONYMOUS), "on": (apps["true"], ANONYMOUS),
             "anonymous": (apps["false"], ANONYMOUS), "key": (apps["false"], keyed)}  # fmt: skip
    real_stderr = sys.stderr
    with (data / "in-process.log").open("w") as log:
        sys.stderr = log  # the access lines of the "on" app
        try:
            async with LifespanManager(apps["false"]), LifespanManager(apps["true"]):
                for side in sides.values():
                    await _calls(*side, 300)  # warm-up: the caches
                for n in range(PROCESS_ROUNDS):
                    for pair in (("off", "on"), ("anonymous", "key")):
                        for name in pair if n % 2 == 0 else reversed(pair):
                            started = time.process_time()
                            await _calls(*sides[name], CALLS)
                            spent[name].append((time.process_time() - started) / CALLS * 1e6)
        finally:
            sys.stderr = real_stderr
    med = {name: statistics.median(values) for name, values in spent.items()}

    def row(base: str, other: str) -> str:
        added = med[other] - med[base]
        return (f"+{added:.1f} µs a request ({med[base]:.1f} -> {med[other]:.1f} µs a direct "
                f"call, {med[other] / med[base]:.3f}x); {1 + added / served_cpu:.3f}x of a "
                f"served request's {served_cpu:,.0f} µs")  # fmt: skip

    return [("access log on ÷ off", row("off", "on")),
            ("with X-Api-Key ÷ anonymous", row("anonymous", "key"))]  # fmt: skip


async def _calls(app: Any, headers: list[tuple[bytes, bytes]], count: int) -> None:
    path, _, query = LIST.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000)}  # fmt: skip
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for _ in range(count):
        await app(dict(scope), receive, send)
    assert set(statuses) == {200}, set(statuses)


def _database(label: str, database_url: str, data: Path, products: int) -> Rows:
    env = bench_env(database_url, data, RUSTOK_RATE_LIMIT="0")
    migrate(env)
    asyncio.run(seed_read_models(database_url, data, products, 50))
    print(f"{label}: seeded {products:,} products", flush=True)
    return overheads(label, env, data)


def run(products: int = 10_000) -> None:
    rows = on_both_databases(lambda label, url, data: _database(label, url, data, products))
    print_table(
        f"access log and API key: cost on the storefront list ({products:,} products)", rows
    )


if __name__ == "__main__":
    run(*(int(arg) for arg in sys.argv[1:2]))
