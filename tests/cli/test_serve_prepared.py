"""``rustok serve`` prepares in full (settings, migrations, default tenant) only when the last
start did not prepare the same code, settings and database (issue 13): the stamp's key, the
database check with the bare driver, and the fall-back to a full preparation."""

from __future__ import annotations

import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest

from rustok.cli import prepared, serving
from rustok.cli.prepared import (
    database_still_prepared,
    preparation_key,
    stamped_heads,
    write_stamp,
)
from rustok.core.settings import Settings, load_settings
from rustok.migrations import head_revisions
from tests.conftest import TEST_SECRET

HEADS = ",".join(head_revisions())


def test_the_key_follows_the_settings_but_not_the_address() -> None:
    base = {"RUSTOK_DATABASE_URL": "sqlite+aiosqlite:///x.db", "PATH": "/bin"}
    key = preparation_key(base)
    assert preparation_key({**base, "RUSTOK_PORT": "9001", "RUSTOK_WORKERS": "4"}) == key
    assert preparation_key({**base, "PATH": "/usr/bin"}) == key
    assert preparation_key({**base, "RUSTOK_CART_TTL": "60"}) != key
    assert preparation_key({**base, "RUSTOK_DATABASE_URL": "sqlite+aiosqlite:///y.db"}) != key


def test_the_key_follows_the_settings_file(tmp_path: Path) -> None:
    file = tmp_path / "rustok.toml"
    file.write_text('cart_ttl = "60"\n')
    env = {"RUSTOK_SETTINGS_FILE": str(file)}
    key = preparation_key(env)
    file.write_text('cart_ttl = "61"\n')
    assert preparation_key(env) != key


def _distribution(folder: Path, name: str, entry_points: str | None) -> None:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


def test_only_a_distribution_naming_the_group_may_declare_a_module(tmp_path: Path) -> None:
    # The shortcut that spares the preparing child importlib.metadata (no extra module
    # installed) must see every distribution that could declare one.
    plain, scripts, declaring = tmp_path / "plain", tmp_path / "scripts", tmp_path / "declaring"
    _distribution(plain, "plain", None)
    _distribution(scripts, "tool", "[console_scripts]\ntool = tool:main\n")
    _distribution(declaring, "shop", "[rustok.modules]\nshop = shop.module:MODULE\n")
    missing = str(tmp_path / "missing")
    assert not prepared._may_declare_modules([str(plain), str(scripts), missing])
    assert prepared._may_declare_modules([str(plain), str(declaring)])
    archive = tmp_path / "packages.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("plain.py", "")
    assert prepared._may_declare_modules([str(plain), str(archive)])  # read by importlib


def test_the_key_is_the_same_with_or_without_the_shortcut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {"RUSTOK_DATABASE_URL": "sqlite+aiosqlite:///x.db"}
    assert not prepared._may_declare_modules(sys.path)  # this environment has no extra module
    key = preparation_key(env)
    monkeypatch.setattr(prepared, "_may_declare_modules", lambda path: True)
    assert preparation_key(env) == key


def test_a_stamp_is_read_back_and_replaces_the_older_one(tmp_path: Path) -> None:
    assert stamped_heads(str(tmp_path), "a" * 32) is None
    write_stamp(str(tmp_path), "a" * 32, "rev1")
    write_stamp(str(tmp_path), "b" * 32, "rev2")
    assert stamped_heads(str(tmp_path), "a" * 32) is None
    assert stamped_heads(str(tmp_path), "b" * 32) == "rev2"
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["prepared-" + "b" * 32]


def test_a_prepared_database_is_recognised(db_url: str) -> None:
    assert database_still_prepared(db_url, HEADS)
    assert not database_still_prepared(db_url, "20200101_0000")
    assert not database_still_prepared(db_url + "?timeout=5", HEADS)  # options it does not read


@pytest.mark.sql_free
def test_what_the_check_cannot_read_is_not_prepared(tmp_path: Path) -> None:
    assert not database_still_prepared(f"sqlite+aiosqlite:///{tmp_path}/missing.db", HEADS)
    assert not database_still_prepared("sqlite+aiosqlite:///:memory:", HEADS)
    assert not database_still_prepared("mysql+aiomysql://localhost/x", HEADS)
    assert not database_still_prepared("postgresql+asyncpg://nobody@127.0.0.1:1/x", HEADS)


@pytest.mark.sql_free
def test_a_database_without_its_default_tenant_is_not_prepared(tmp_path: Path) -> None:
    path = tmp_path / "serve.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE alembic_version (version_num TEXT)")
        db.executemany("INSERT INTO alembic_version VALUES (?)", [(h,) for h in HEADS.split(",")])
        db.execute("CREATE TABLE tenants (id TEXT)")
    url = f"sqlite+aiosqlite:///{path}"
    assert not database_still_prepared(url, HEADS)
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO tenants VALUES ('00000000000000000000000000000001')")
    assert database_still_prepared(url, HEADS)


def _serve_settings(monkeypatch: pytest.MonkeyPatch, db_url: str, tmp_path: Path) -> Settings:
    for name, value in {"RUSTOK_DATABASE_URL": db_url, "RUSTOK_DATA_DIR": str(tmp_path),
                        "RUSTOK_SECRET_KEY": TEST_SECRET, "RUSTOK_LOG_LEVEL": "warning"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    return load_settings(warn=False)


@pytest.mark.slow
def test_a_restart_prepares_in_full_only_when_the_database_changed(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _serve_settings(monkeypatch, db_url, tmp_path)
    full: list[Settings] = []
    prepare = serving._prepare_database

    def counted(given: Settings) -> None:
        full.append(given)
        prepare(given)

    monkeypatch.setattr(serving, "_prepare_database", counted)
    assert serving._prepared_heads({}, settings) == HEADS
    assert serving._prepared_heads({}, settings) == HEADS
    assert len(full) == 1  # the second start read the stamp
    monkeypatch.setenv("RUSTOK_CART_TTL", "120")
    assert serving._prepared_heads({}, settings) == HEADS
    assert len(full) == 2  # other settings: prepared (and validated) again
    if db_url.startswith("sqlite"):
        # The database was replaced by an empty one: the full preparation migrates it.
        Path(db_url.split("///", 1)[1]).unlink()
        assert serving._prepared_heads({}, settings) == HEADS
        assert len(full) == 3
        with sqlite3.connect(db_url.split("///", 1)[1]) as db:
            rows = db.execute("SELECT count(*) FROM tenants WHERE slug = 'default'").fetchone()
        assert rows == (1,)
