"""Start-up and memory of ``rustok serve --workers 2`` (issue 13), and the first OpenAPI
document (issue 15), in one run.

Per database (SQLite, then a private PostgreSQL), with 10,000 products in two locales:

- cold start: from the command to the first correct ``GET /api/store/products?limit=20``
  (the answer equals a reference taken from a warm server), median of ``STARTS`` starts;
- memory: after the last start has answered a mixed load of storefront reads (REST and
  GraphQL), the sum of the PSS of every process of the server, and of the Granian main
  process alone;
- the CPU time (user + system, every server process) that the first ``GET
  /api/openapi.json`` costs on a fresh ``serve --workers 1``, and the second one.

The storefront suite prints the same cold start and memory figures after its heavier load.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
from tests.services import free_port

from bench.harness import (
    ROOT,
    RUSTOK,
    Server,
    bench_env,
    lua_post,
    migrate,
    on_both_databases,
    print_table,
    served,
    wrk,
)
from bench.index import seed_read_models

PRODUCTS = 10_000
POSTS = 500
STARTS = 3
LOAD_SECONDS = 2
LIST = "/api/store/products?limit=20"
READS = ("/api/store/products/item-5", "/api/store/search?q=red")
GQL_LIST = "query { storeProducts(first: 20) { edges { node { id handle title priceMin } } } }"
Rows = list[tuple[str, str]]


@dataclass
class ColdStart:
    seconds: float
    cpu_seconds: float  # of every process of the command until then (a loaded machine's
    # wall-clock figure mostly measures the other load)
    pss_total_mib: float
    pss_main_mib: float
    processes: int


def server_processes(server: Server) -> list[psutil.Process]:
    main = psutil.Process(server.proc.pid)
    return [main, *main.children(recursive=True)]


def _cpu_seconds(processes: Sequence[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def _pss_mib(processes: Sequence[psutil.Process]) -> list[float]:
    return [p.memory_full_info().pss / 2**20 for p in processes]


def cold_start(
    env: dict[str, str], expected: bytes, load_after: Callable[[Server], object] | None
) -> ColdStart:
    """``serve --workers 2`` from the command to the first answer of ``LIST`` equal to
    ``expected``; then ``load_after(server)`` (if given) and the PSS of its processes."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # One client for every attempt: httpx.get builds a client, and its TLS context, each time
    # (some 20 ms of CPU): polling every 5 ms, that took most of a core from the server.
    poller = httpx.Client(timeout=1)
    started = time.perf_counter()
    proc = subprocess.Popen([RUSTOK, "serve", "--port", str(port), "--workers", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)  # fmt: skip
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server exited")
            try:
                response = poller.get(base + LIST)
                if response.status_code == 200 and response.content == expected:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        cpu = _start_cpu_seconds(proc.pid)
        server = Server(base, proc, started, seconds)
        if load_after is not None:
            load_after(server)
        processes = server_processes(server)
        pss = _pss_mib(processes)
        return ColdStart(seconds, cpu, sum(pss), pss[0], len(processes))
    finally:
        poller.close()
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _start_cpu_seconds(pid: int) -> float:
    """CPU time of the command so far: its main process, the workers, and the children that
    already exited (the one that checked the schema)."""
    main = psutil.Process(pid)
    times = main.cpu_times()
    spent: float = times.user + times.system + times.children_user + times.children_system
    return spent + _cpu_seconds(main.children(recursive=True))


def cold_start_rows(label: str, starts: Sequence[ColdStart], load: str) -> Rows:
    return [
        (f"{label}: cold start, serve --workers 2 to the first correct list (median of {len(starts)})",
         f"{statistics.median(s.seconds for s in starts) * 1000:,.0f} ms "
         f"({', '.join(f'{s.seconds * 1000:,.0f}' for s in starts)})"),
        (f"{label}:   CPU of all its processes until then (median)",
         f"{statistics.median(s.cpu_seconds for s in starts) * 1000:,.0f} ms "
         f"({', '.join(f'{s.cpu_seconds * 1000:,.0f}' for s in starts)})"),
        (f"{label}: memory after {load}, PSS of all {starts[-1].processes} serve processes",
         f"{starts[-1].pss_total_mib:.0f} MiB (main process {starts[-1].pss_main_mib:.0f} MiB)"),
    ]  # fmt: skip


def _mixed_load(data: Path) -> Callable[[Server], None]:
    script = lua_post(data / "startup-gql.lua", '{"query": "' + GQL_LIST + '"}')

    def load(server: Server) -> None:
        for path in (LIST, *READS):
            wrk(server.base_url + path, connections=16, seconds=LOAD_SECONDS, threads=1)
        wrk(server.base_url + "/api/graphql", connections=16, seconds=LOAD_SECONDS, threads=1,
            script=script)  # fmt: skip

    return load


def _openapi_cpu(env: dict[str, str]) -> tuple[list[float], int]:
    """CPU seconds of the first and the second ``GET /api/openapi.json`` of a server, then of
    the first one of the same server started again; the document's size."""
    costs: list[float] = []
    size = 0
    for requests in (2, 1):
        with served(env) as server:
            processes = server_processes(server)
            for _ in range(requests):
                before = _cpu_seconds(processes)
                response = httpx.get(server.base_url + "/api/openapi.json", timeout=60)
                costs.append(_cpu_seconds(processes) - before)
                assert response.status_code == 200, response.text
                size = len(response.content)
    return costs, size


def openapi_rows(label: str, env: dict[str, str]) -> Rows:
    (first, second, restarted), size = _openapi_cpu(env)
    return [
        (f"{label}: first GET /api/openapi.json ({size:,} B), server CPU",
         f"{first * 1000:,.0f} ms (the second: {second * 1000:,.0f} ms; the first after a "
         f"restart: {restarted * 1000:,.0f} ms)"),
    ]  # fmt: skip


def _database(label: str, database_url: str, data: Path) -> Rows:
    env = bench_env(database_url, data, RUSTOK_RATE_LIMIT="0")
    migrate(env)
    asyncio.run(seed_read_models(database_url, data, PRODUCTS, POSTS))
    with served(env) as server:
        reference = httpx.get(server.base_url + LIST, timeout=30)
    assert reference.status_code == 200, reference.text
    assert len(reference.json()["items"]) == 20, reference.text
    load = _mixed_load(data)
    starts = [cold_start(env, reference.content, load if i == STARTS - 1 else None)
              for i in range(STARTS)]  # fmt: skip
    return [
        *cold_start_rows(label, starts, f"a mixed load ({4 * LOAD_SECONDS} s of wrk)"),
        *openapi_rows(label, env),
    ]


def run() -> None:
    print(f"startup: {PRODUCTS:,} products, python {sys.version.split()[0]}, pid {os.getpid()}",
          flush=True)  # fmt: skip
    print_table(
        "startup: serve --workers 2 cold start and memory, OpenAPI", on_both_databases(_database)
    )


if __name__ == "__main__":
    run()
