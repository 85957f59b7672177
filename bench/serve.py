"""Server start-up, idle memory and the raw throughput of ``/health/live``.

Figures: cold start of ``rustok serve`` to the first ``/health/live`` answer (database already
migrated), RSS of an idle worker, and wrk req/s with one and two workers.
"""

from __future__ import annotations

import statistics
import time

from bench.harness import bench_env, migrate, print_table, served, sqlite_dir, wrk


def run(seconds: int = 10) -> None:
    with sqlite_dir() as data:
        env = bench_env(f"sqlite+aiosqlite:///{data}/bench.db", data)
        migrate(env)
        starts = []
        for _ in range(3):
            with served(env) as server:
                starts.append(server.ready_after)
        with served(env) as server:
            time.sleep(2)
            rss = server.rss_mib()
        rows = [
            ("cold start to first /health/live (median of 3)", f"{statistics.median(starts) * 1000:.0f} ms"),
            *((f"RSS idle, {name}", f"{value:.1f} MiB") for name, value in rss.items()),
        ]  # fmt: skip
        for workers in (1, 2):
            with served(env, workers=workers) as server:
                wrk(server.base_url + "/health/live", seconds=2)  # warm-up
                result = wrk(server.base_url + "/health/live", seconds=seconds)
            rows.append(
                (
                    f"/health/live, {workers} worker{'s' if workers > 1 else ''} (wrk -t2 -c64)",
                    f"{result.requests_per_second:,.0f} req/s, p50 {result.latency_p50_ms:.2f} ms, "
                    f"p99 {result.latency_p99_ms:.2f} ms, non-2xx {result.non_2xx}",
                )
            )
    print_table("serve: start-up, memory, /health/live throughput", rows)


if __name__ == "__main__":
    run()
