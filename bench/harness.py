"""Shared pieces of the benchmarks: a served app in a subprocess, wrk, and result tables."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
from tests.services import free_port

RUSTOK = str(Path(sys.executable).parent / "rustok")
BENCH_SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"


def print_table(title: str, rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n{title}")
    print("-" * len(title))
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    sys.stdout.flush()


@dataclass
class Server:
    base_url: str
    proc: subprocess.Popen[bytes]
    started_at: float
    ready_after: float

    def rss_mib(self) -> dict[str, float]:
        """Resident memory of the main process and each worker, in MiB."""
        main = psutil.Process(self.proc.pid)
        result = {"main": main.memory_info().rss / 2**20}
        for i, child in enumerate(main.children(recursive=True)):
            result[f"worker {i + 1}"] = child.memory_info().rss / 2**20
        return result


def bench_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(
        RUSTOK_DATABASE_URL=database_url,
        RUSTOK_DATA_DIR=str(data_dir),
        RUSTOK_SECRET_KEY=BENCH_SECRET,
        RUSTOK_LOG_LEVEL="warning",
        **extra,
    )
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run([RUSTOK, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)


def rustok(env: dict[str, str], *args: str) -> None:
    subprocess.run([RUSTOK, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def lua_post(path: Path, body: str) -> str:
    """A wrk script sending ``body`` as a JSON POST."""
    escaped = body.replace("\\", "\\\\").replace("'", "\\'")
    path.write_text(
        "wrk.method = 'POST'\n"
        f"wrk.body = '{escaped}'\n"
        "wrk.headers['Content-Type'] = 'application/json'\n"
    )
    return str(path)


ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def served(
    env: dict[str, str], *, workers: int = 1, target: str | None = None, log: Path | None = None
) -> Iterator[Server]:
    """Start ``rustok serve`` (or Granian on another app factory) and wait for the first
    ``/health/live`` answer. ``log``: a file for its stderr (a server that logs every request
    would fill the unread pipe and stall)."""
    port = free_port()
    started = time.perf_counter()
    if target is None:
        command = [RUSTOK, "serve", "--port", str(port), "--workers", str(workers)]
    else:
        command = [sys.executable, "-c",
                   "from granian import Granian; from granian.constants import Interfaces, Loops; "
                   f"Granian({target!r}, factory=True, address='127.0.0.1', port={port}, "
                   f"workers={workers}, interface=Interfaces.ASGI, loop=Loops.uvloop).serve()"]  # fmt: skip
    stderr = log.open("wb") if log is not None else subprocess.PIPE
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=stderr, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    poller = httpx.Client(timeout=0.5)  # one for every attempt (httpx.get: ~20 ms CPU each)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server exited")
            try:
                if poller.get(base + "/health/live").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.01)
        poller.close()
        yield Server(base, proc, started, time.perf_counter() - started)
    finally:
        poller.close()
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not None:
            stderr.close()  # type: ignore[union-attr]


@dataclass
class WrkResult:
    requests_per_second: float
    latency_p50_ms: float
    latency_p99_ms: float
    non_2xx: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    assert match, text
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(url: str, *, connections: int = 64, seconds: int = 10, threads: int = 2,
        headers: Sequence[str] = (), script: str | None = None) -> WrkResult:  # fmt: skip
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: sudo apt-get install wrk")
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    if script:
        args += ["-s", script]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non_2xx_match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return WrkResult(rps, p50, p99, int(non_2xx_match.group(1)) if non_2xx_match else 0)


def on_both_databases(
    measure: Callable[[str, str, Path], list[tuple[str, str]]],
) -> list[tuple[str, str]]:
    """``measure(label, database_url, data_dir)`` on an embedded SQLite file, then on a
    private PostgreSQL server started for it (``BENCH_DATABASES=sqlite`` or ``postgres``:
    that one only)."""
    from tests.services import start_postgres

    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
    rows: list[tuple[str, str]] = []
    if "sqlite" in wanted:
        with sqlite_dir() as data:
            rows += measure("sqlite", f"sqlite+aiosqlite:///{data}/bench.db", data)
    if "postgres" not in wanted:
        return rows
    postgres = start_postgres()
    try:
        with sqlite_dir() as data:
            rows += measure("postgres", postgres.url, data)
    finally:
        postgres.close()
    return rows


@contextmanager
def sqlite_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="rustok-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
