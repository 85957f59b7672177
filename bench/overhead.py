"""What the access log and the API-key check cost the storefront (issue 15: at most 5 %).

Part of the storefront suite (``bench/storefront.py`` adds these rows per database), and
runnable alone on SQLite: ``python -m bench.overhead``.

- Access log: the cached list of 20 (the cheapest storefront read, so the largest share for
  a fixed cost per request) on ``rustok serve`` with ``RUSTOK_ACCESS_LOG`` off, then on,
  alternately, ``ROUNDS`` times each, every server at ``RUSTOK_LOG_LEVEL=info`` with JSON
  lines written to a file (what production does; below ``info`` the line costs nothing).
- API key: the same list anonymous, then with ``X-Api-Key`` of a valid key (verified and
  cached by the tenant middleware), alternately on one server with the access log off.

The ratios are of medians of server CPU µs per request (the figure least disturbed by the
machine's noise) and of requests/s.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
from pathlib import Path

from bench.harness import RUSTOK, bench_env, migrate, print_table, served, sqlite_dir
from bench.index import seed_read_models
from bench.storefront import LIST, Load, load

ROUNDS = 3
BENCH_USER = "bench-keys@example.com"
Rows = list[tuple[str, str]]


def _ratio(name: str, base: list[Load], other: list[Load]) -> tuple[str, str]:
    cpu = statistics.median(x.cpu_us for x in other) / statistics.median(x.cpu_us for x in base)
    rps = statistics.median(x.requests_per_second for x in base) / statistics.median(
        x.requests_per_second for x in other
    )
    detail = ", ".join(f"{x.cpu_us:,.0f}" for x in other)
    return name, f"{cpu:.3f}x CPU/req (µs: {detail}), {rps:.3f}x by req/s"


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
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def overheads(label: str, env: dict[str, str], data: Path) -> Rows:
    """The access log's and the API key's cost on the cached list (seeded read models)."""
    logged = {**env, "RUSTOK_LOG_LEVEL": "info", "RUSTOK_LOG_FORMAT": "json"}
    off: list[Load] = []
    on: list[Load] = []
    for n in range(ROUNDS):
        for flag, into in (("false", off), ("true", on)):
            server_env = {**logged, "RUSTOK_ACCESS_LOG": flag}
            with served(server_env, log=data / f"access-{flag}-{n}.log") as server:
                into.append(load(server, LIST))
            print(f"  access log {flag}: {into[-1].row()}", flush=True)
    lines = sum(
        1
        for path in data.glob("access-true-*.log")
        for line in path.read_text().splitlines()
        if '"event": "request"' in line or '"event":"request"' in line
    )
    key = _key(env)
    anonymous: list[Load] = []
    keyed: list[Load] = []
    with served({**env, "RUSTOK_ACCESS_LOG": "false"}, log=data / "keys.log") as server:
        for _ in range(ROUNDS):
            anonymous.append(load(server, LIST))
            keyed.append(load(server, LIST, headers=[f"X-Api-Key: {key}"]))
            print(f"  anonymous: {anonymous[-1].row()}; key: {keyed[-1].row()}", flush=True)
    assert all(x.non_2xx == 0 for x in [*off, *on, *anonymous, *keyed])
    return [
        (f"{label}: {LIST}, access log off (median of {ROUNDS})",
         f"{statistics.median(x.cpu_us for x in off):,.0f} µs CPU/req, "
         f"{statistics.median(x.requests_per_second for x in off):,.0f} req/s"),
        _ratio(f"{label}:   access log on ÷ off ({lines:,} lines written)", off, on),
        _ratio(f"{label}:   with X-Api-Key ÷ anonymous", anonymous, keyed),
    ]  # fmt: skip


def run(products: int = 10_000) -> None:
    with sqlite_dir() as data:
        url = f"sqlite+aiosqlite:///{data}/bench.db"
        env = bench_env(url, data, RUSTOK_RATE_LIMIT="0")
        migrate(env)
        asyncio.run(seed_read_models(url, data, products, 50))
        print(f"seeded {products:,} products", flush=True)
        rows = overheads("sqlite", env, data)
    print_table(
        f"access log and API key: cost on the storefront list ({products:,} products)", rows
    )


if __name__ == "__main__":
    run(*(int(arg) for arg in sys.argv[1:2]))
