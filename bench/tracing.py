"""The cost of tracing (O-3): req/s with tracing off, on at 10 % and on at 100 % sampling.

Three ``rustok serve`` processes (one worker each) run side by side on copies of one SQLite
database — off, ``RUSTOK_OTEL_SAMPLE_RATIO=0.1`` and ``1.0`` — exporting to a loopback OTLP
sink (which only counts what it gets, so that decoding costs the servers no CPU); wrk measures them in alternating rounds, so the ratios come from one run under the
same machine load. Two requests: a storefront list on the raw read pool (answer cache off:
a server span and a SQL span) and a cart creation (SQL, ``outbox.write``, then the relay
and consumers in the same process, each with their spans).
"""

from __future__ import annotations

import shutil
import statistics
from contextlib import ExitStack
from pathlib import Path

from tests.ops.otlp_sink import otlp_sink

from bench.harness import bench_env, lua_post, migrate, print_table, served, sqlite_dir, wrk

CONFIGS: tuple[tuple[str, dict[str, str]], ...] = (("off", {}), ("on, 10 %", {"RUSTOK_OTEL_SAMPLE_RATIO": "0.1"}),
           ("on, 100 %", {"RUSTOK_OTEL_SAMPLE_RATIO": "1.0"}))  # fmt: skip
ROUNDS = 3


def run(seconds: int = 5) -> None:
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
        rows = []
        for label, path, lua in requests:
            rates: dict[str, list[float]] = {name: [] for name, _ in CONFIGS}
            for server in servers:  # warm-up
                wrk(server.base_url + path, connections=16, threads=1, seconds=1, script=lua)
            for _ in range(ROUNDS):
                for (name, _), server in zip(CONFIGS, servers, strict=True):
                    result = wrk(server.base_url + path, connections=16, threads=1,
                                 seconds=seconds, script=lua)  # fmt: skip
                    assert result.non_2xx == 0, f"{label}, {name}: {result.non_2xx} non-2xx"
                    rates[name].append(result.requests_per_second)
            off = statistics.median(rates["off"])
            for name, _ in CONFIGS:
                rate = statistics.median(rates[name])
                rows.append((f"{label}, tracing {name}",
                             f"{rate:,.0f} req/s ({rate / off:.2f} of off; median of {ROUNDS})"))  # fmt: skip
        rows.append(("OTLP export requests received (not decoded)",
                     f"{sink.requests:,}, {sink.received_bytes / 2**20:.1f} MiB"))  # fmt: skip
    print_table("tracing: request cost off / 10 % / 100 % (wrk -t1 -c16, one run)", rows)


if __name__ == "__main__":
    run()
