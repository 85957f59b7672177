"""Sign-in cost and what authentication adds to a request.

Figures: login p50/p99 (sequential) and logins/s under wrk (argon2id m=19 MiB, t=2, p=1
dominates); ``GET /api/tenant`` req/s anonymous vs with a bearer token (token check, session
lookup, cached grants).
"""

from __future__ import annotations

import time

import httpx

from bench.harness import (
    bench_env,
    lua_post,
    migrate,
    percentile,
    print_table,
    rustok,
    served,
    sqlite_dir,
    wrk,
)
from rustok.auth.passwords import MEMORY_COST_KIB, PARALLELISM, TIME_COST

EMAIL = "bench@example.com"
PASSWORD = "bench password 123"


def run(seconds: int = 8) -> None:
    with sqlite_dir() as data:
        env = bench_env(f"sqlite+aiosqlite:///{data}/bench.db", data, RUSTOK_RATE_LIMIT="0",
                        RUSTOK_LOGIN_RATE_LIMIT="1000000/minute", RUSTOK_LOGIN_IP_RATE_LIMIT="1000000/minute")  # fmt: skip
        migrate(env)
        rustok(
            env,
            "user",
            "create",
            "--tenant",
            "default",
            "--email",
            EMAIL,
            "--password",
            PASSWORD,
            "--role",
            "admin",
        )
        rows = [
            (
                "argon2id parameters",
                f"m={MEMORY_COST_KIB // 1024} MiB, t={TIME_COST}, p={PARALLELISM}",
            )
        ]
        with served(env) as server:
            latencies: list[float] = []
            token = ""
            with httpx.Client(base_url=server.base_url) as client:
                for _ in range(60):
                    started = time.perf_counter()
                    response = client.post(
                        "/api/auth/login", json={"email": EMAIL, "password": PASSWORD}
                    )
                    latencies.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.text
                    token = response.json()["access_token"]
            rows.append(("login latency, sequential (60)",
                         f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms"))  # fmt: skip
            script = lua_post(data / "login.lua", f'{{"email":"{EMAIL}","password":"{PASSWORD}"}}')
            logins = wrk(
                server.base_url + "/api/auth/login", connections=16, seconds=seconds, script=script
            )
            rows.append(("logins/s, 16 connections (1 worker)",
                         f"{logins.requests_per_second:,.0f}/s, p50 {logins.latency_p50_ms:.0f} ms, "
                         f"p99 {logins.latency_p99_ms:.0f} ms, non-2xx {logins.non_2xx}"))  # fmt: skip
            url = server.base_url + "/api/tenant"
            for label, headers in (
                ("anonymous", ()),
                ("with bearer token", (f"Authorization: Bearer {token}",)),
            ):
                wrk(url, seconds=2, headers=headers)
                result = wrk(url, seconds=seconds, headers=headers)
                rows.append((f"GET /api/tenant, {label}",
                             f"{result.requests_per_second:,.0f} req/s, p50 {result.latency_p50_ms:.2f} ms, "
                             f"p99 {result.latency_p99_ms:.2f} ms, non-2xx {result.non_2xx}"))  # fmt: skip
    print_table("auth: sign-in cost and authenticated requests", rows)


if __name__ == "__main__":
    run()
