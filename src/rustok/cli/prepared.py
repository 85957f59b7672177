"""What ``rustok serve`` proved at its last start, so that a restart need not prove it again.

Preparing (``serve.py``: every module's settings validated, the schema migrated or checked,
the default tenant and the modules' permissions in place) imports the whole platform in a
child process before any worker starts: about as much CPU as a worker's own start, on the
way to the first answer. Once it succeeded, a stamp in ``RUSTOK_DATA_DIR/cache`` records the
schema heads under a key of everything that preparing depends on:

- the code: every ``.py`` file of this package (migrations included) and of each installed
  module's package, by path, size and modification time, and the Python and package
  versions;
- the settings: every ``RUSTOK_*`` variable (bar the address and the worker count, which the
  main process checks itself) and the settings file's bytes.

The next start with the same key only checks, with no more than the database driver, that
the database is still at those heads and still has its default tenant; anything else (no
stamp, another key, another database state, a URL this check does not read, any error)
prepares in full as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path

from rustok import __version__

STAMP_PREFIX = "prepared-"
# Checked by the main process itself (or per start): they do not change what preparing does.
_NOT_IN_KEY = frozenset({
    "RUSTOK_HOST", "RUSTOK_PORT", "RUSTOK_WORKERS", "RUSTOK_SERVE_STARTED", "RUSTOK_SCHEMA_HEADS",
})  # fmt: skip
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_DEFAULT_TENANT = "00000000-0000-0000-0000-000000000001"  # rustok.core.context's
_ENTRY_POINT_GROUP = "rustok.modules"  # rustok.core.registry's


def preparation_key(environ: dict[str, str] | os._Environ[str]) -> str:
    digest = hashlib.sha256(f"{__version__} {sys.version} {sys.prefix}\n".encode())
    for name in sorted(environ):
        if name.startswith("RUSTOK_") and name not in _NOT_IN_KEY:
            digest.update(f"{name}={environ[name]}\n".encode())
    if file := environ.get("RUSTOK_SETTINGS_FILE"):
        with contextlib.suppress(OSError):
            digest.update(Path(file).read_bytes())
    for folder in (_PACKAGE_DIR, *_installed_module_dirs(digest)):
        for source in sorted(folder.rglob("*.py")):
            with contextlib.suppress(OSError):
                stat = source.stat()
                digest.update(f"{source} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def _installed_module_dirs(digest: hashlib._Hash) -> list[Path]:
    """The folders of the installed modules' packages, found without importing them."""
    if not _may_declare_modules(sys.path):
        return []
    import importlib.util
    from importlib.metadata import entry_points

    folders = []
    for entry in sorted(entry_points(group=_ENTRY_POINT_GROUP), key=lambda e: e.name):
        version = entry.dist.version if entry.dist else ""
        digest.update(f"module {entry.name} {entry.value} {version}\n".encode())
        spec = importlib.util.find_spec(entry.value.split(":")[0].split(".")[0])
        for location in (spec.submodule_search_locations or []) if spec else []:
            folders.append(Path(location))
    return folders


def _may_declare_modules(path: list[str]) -> bool:
    """Whether a distribution on ``path`` may declare a module: False only when no metadata
    folder there has an ``entry_points.txt`` naming the group. Importing importlib.metadata
    and reading every distribution's entry points cost the child some 40 ms of CPU, beside
    the main process's import of Granian, at each start of a server with no extra module."""
    group = f"[{_ENTRY_POINT_GROUP}]"
    for entry in path:
        try:
            listed = list(os.scandir(entry or "."))
        except NotADirectoryError:
            return True  # an archive (zip, egg): importlib.metadata reads it
        except OSError:
            continue  # a folder that is not there holds no distribution
        for item in listed:
            name = item.name.lower()
            if name.endswith((".dist-info", ".egg-info")) or item.name == "EGG-INFO":
                try:
                    text = Path(item.path, "entry_points.txt").read_text(errors="replace")
                except FileNotFoundError:
                    continue
                except OSError:
                    return True
                if group in text:
                    return True
    return False


def _stamp_path(data_dir: str, key: str) -> Path:
    return Path(data_dir) / "cache" / f"{STAMP_PREFIX}{key}"


def stamped_heads(data_dir: str, key: str) -> str | None:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        return _stamp_path(data_dir, key).read_text()
    return None


def write_stamp(data_dir: str, key: str, heads: str) -> None:
    """Record a successful preparation (a cache: a stamp that cannot be written only costs
    the next start a full preparation)."""
    path = _stamp_path(data_dir, key)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{STAMP_PREFIX}*"):
            stale.unlink(missing_ok=True)
        written = path.with_name(f".{path.name}.{os.getpid()}")
        written.write_text(heads)
        written.replace(path)


def database_still_prepared(database_url: str, heads: str) -> bool:
    """Whether the database is at ``heads`` and has its default tenant, read with the bare
    driver; False whenever that cannot be told."""
    try:
        return _database_matches(database_url, set(heads.split(",")))
    except Exception:  # noqa: BLE001 - any doubt means a full preparation
        return False


def _database_matches(url: str, heads: set[str]) -> bool:
    scheme, _, rest = url.partition("://")
    if "?" in rest or not heads:
        return False  # options this check does not read: prepare in full
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        return _sqlite_matches(rest.removeprefix("/"), heads)
    if scheme in ("postgresql", "postgresql+asyncpg", "postgres"):
        import asyncio

        return asyncio.run(_postgres_matches("postgresql://" + rest, heads))
    return False


def _sqlite_matches(path: str, heads: set[str]) -> bool:
    import sqlite3

    if not path or path == ":memory:" or not Path(path).is_file():
        return False
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
        revisions = {row[0] for row in db.execute("SELECT version_num FROM alembic_version")}
        tenant = db.execute(
            "SELECT 1 FROM tenants WHERE id = ?", (_DEFAULT_TENANT.replace("-", ""),)
        ).fetchone()
    return revisions == heads and tenant is not None


async def _postgres_matches(dsn: str, heads: set[str]) -> bool:
    import asyncpg

    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        rows = await connection.fetch("SELECT version_num FROM alembic_version")
        tenant = await connection.fetchval(
            "SELECT 1 FROM tenants WHERE id = $1::uuid", _DEFAULT_TENANT
        )
    finally:
        await connection.close()
    return {row[0] for row in rows} == heads and tenant is not None
