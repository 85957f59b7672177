"""Real ``rustok serve`` and ``rustok worker`` processes for the operations tests.

Each process logs to a file (an unread pipe would block its logging once full) and runs in
its own process group, so the test can SIGKILL it with every child (granian's workers).
Waits are liveness bounds: they fail when nothing changes for a while, not on a total.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import TEST_SECRET
from tests.services import free_port

EXE = Path(sys.executable).parent / "rustok"
STOP_SECONDS = 10.0  # then SIGKILL: a worker may hang in lifespan shutdown (open defect)


def base_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a process: nothing of the caller's ``RUSTOK_*`` leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSTOK_")}
    env.update(
        RUSTOK_DATABASE_URL=database_url, RUSTOK_DATA_DIR=str(data_dir),
        RUSTOK_SECRET_KEY=TEST_SECRET, RUSTOK_RATE_LIMIT="0", **extra,
    )  # fmt: skip
    return env


@dataclass
class RustokProcess:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def kill(self) -> None:
        """SIGKILL the process group (the server and its workers)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> int:
        """SIGTERM, then SIGKILL after 10 s; the exit code (negative: killed)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode


def start(name: str, args: list[str], env: dict[str, str], workdir: Path) -> RustokProcess:
    log = workdir / f"{name}.log"
    proc = subprocess.Popen(
        [str(EXE), *args], env=env, cwd=workdir, stdout=log.open("ab"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return RustokProcess(name, proc, log)


def launch_server(name: str, env: dict[str, str], workdir: Path, workers: int = 1) -> RustokProcess:
    """``rustok serve`` on a free port, not waited for (see :func:`wait_ready`)."""
    port = free_port()
    server = start(name, ["serve", "--port", str(port), "--workers", str(workers)], env, workdir)
    server.port = port
    return server


def wait_ready(server: RustokProcess, limit: float = 180) -> RustokProcess:
    """Once ``/health/live`` answers; fails if it exits or has not answered in ``limit`` s."""
    deadline = time.monotonic() + limit
    while True:
        assert server.alive(), f"{server.name} exited:\n{server.tail()}"
        try:
            if httpx.get(f"{server.base_url}/health/live", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{server.name} did not start:\n{server.tail()}"
        time.sleep(0.1)


def start_server(name: str, env: dict[str, str], workdir: Path, workers: int = 1) -> RustokProcess:
    return wait_ready(launch_server(name, env, workdir, workers))


def start_worker(name: str, env: dict[str, str], workdir: Path) -> RustokProcess:
    return start(name, ["worker"], env, workdir)
