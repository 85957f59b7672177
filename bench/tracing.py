"""The cost of tracing (O-3): req/s with tracing off, on at 10 % and on at 100 % sampling.

Three ``rustok serve`` processes (one worker each) run side by side on copies of one SQLite
database — off, ``RUSTOK_OTEL_SAMPLE_RATIO=0.1`` and ``1.0`` — exporting to a loopback OTLP
sink (which only counts what it gets, so that decoding costs the servers no CPU); wrk measures them in alternating rounds, so the ratios come from one run under the
same machine load. The off path is also timed alone: what a span site costs with tracing
off (a check and a shared no-op context), per call. Two requests: a storefront list on the raw read pool (answer cache off:
a server span and a SQL span) and a cart creation (SQL, ``outbox.write``, then the relay
and consumers in the same process, each with their spans).
"""

from __future__ import annotations

import shutil
import statistics
import timeit
from contextlib import ExitStack
from pathlib import Path

import psutil
from opentelemetry.trace import SpanKind
from tests.ops.otlp_sink import otlp_sink

from bench.harness import (
    Server,
    bench_env,
    lua_post,
    migrate,
    print_table,
    served,
    sqlite_dir,
    wrk,
)

CONFIGS: tuple[tuple[str, dict[str, str]], ...] = (("off", {}), ("on, 10 %", {"RUSTOK_OTEL_SAMPLE_RATIO": "0.1"}),
           ("on, 100 %", {"RUSTOK_OTEL_SAMPLE_RATIO": "1.0"}))  # fmt: skip
ROUNDS = 3


def off_path_ns(calls: int = 1_000_000) -> dict[str, float]:
    """Nanoseconds per call of each span site's off path (tracing off)."""
    from rustok.core import tracing

    assert not tracing.tracing_enabled()

    def sql_hook() -> None:  # what db_metrics' before/after hooks add per statement
        if tracing.tracing_enabled():
            raise AssertionError

    def child() -> None:
        with tracing.child_span("index.upsert"):
            pass

    def event() -> None:
        with tracing.span_in_trace("nats.publish x", None, SpanKind.PRODUCER):
            pass

    return {
        name: min(timeit.repeat(site, number=calls, repeat=3)) / calls * 1e9
        for name, site in (("SQL statement hook", sql_hook), ("child_span", child),
                           ("span_in_trace", event))
    }  # fmt: skip


def _cpu_seconds(server: Server) -> float:
    """CPU time of the server and its workers so far: a cost the machine's load does not
    inflate, unlike req/s."""
    main = psutil.Process(server.proc.pid)
    return sum(sum(p.cpu_times()[:2]) for p in (main, *main.children(recursive=True)))


def run(seconds: int = 5) -> None:
    rows = [(f"off path, {name}", f"{ns:.0f} ns per call") for name, ns in off_path_ns().items()]
    with sqlite_dir() as data, otlp_sink(decode=False) as sink, ExitStack() as stack:
        base = bench_env(f"sqlite+aiosqlite:///{data}/bench.db", data)
        migrate(base)
        servers = []
        for index, (_, extra) in enumerate(CONFIGS):
            own = data / f"server-{index}"
            own.mkdir()
            shutil.copy(data / "bench.db", own / "bench.db")
            env = bench_env(
                f"sqlite+aiosqlite:///{own}/bench.db", own, RUSTOK_RATE_LIMIT="0",
                RUSTOK_STOREFRONT_CACHE_SIZE="0", RUSTOK_OTEL_ENDPOINT=sink.endpoint,
                **({"RUSTOK_OTEL_ENABLED": "true", **extra} if extra else {}),
            )  # fmt: skip
            servers.append(stack.enter_context(served(env)))
        script = lua_post(Path(data) / "cart.lua", '{"currency_code": "USD"}')
        requests = (
            ("GET /api/store/products (raw read)", "/api/store/products?limit=20", None),
            ("POST /api/store/carts (write + events)", "/api/store/carts", script),
        )
        for label, path, lua in requests:
            rates: dict[str, list[float]] = {name: [] for name, _ in CONFIGS}
            cpu: dict[str, list[float]] = {name: [] for name, _ in CONFIGS}
            for server in servers:  # warm-up
                wrk(server.base_url + path, connections=16, threads=1, seconds=1, script=lua)
            for _ in range(ROUNDS):
                for (name, _), server in zip(CONFIGS, servers, strict=True):
                    before = _cpu_seconds(server)
                    result = wrk(server.base_url + path, connections=16, threads=1,
                                 seconds=seconds, script=lua)  # fmt: skip
                    used = _cpu_seconds(server) - before
                    assert result.non_2xx == 0, f"{label}, {name}: {result.non_2xx} non-2xx"
                    rates[name].append(result.requests_per_second)
                    cpu[name].append(1e6 * used / (result.requests_per_second * seconds))
            off, off_cpu = statistics.median(rates["off"]), statistics.median(cpu["off"])
            for name, _ in CONFIGS:
                rate, cost = statistics.median(rates[name]), statistics.median(cpu[name])
                rows.append((f"{label}, tracing {name}",
                             f"{rate:,.0f} req/s ({rate / off:.2f} of off), {cost:,.0f} µs "
                             f"server CPU/req ({cost / off_cpu:.2f} of off)"))  # fmt: skip
        rows.append(("OTLP export requests received (not decoded)",
                     f"{sink.requests:,}, {sink.received_bytes / 2**20:.1f} MiB"))  # fmt: skip
    title = f"tracing: request cost off / 10 % / 100 % (wrk -t1 -c16, median of {ROUNDS} rounds)"
    print_table(title, rows)


if __name__ == "__main__":
    run()
