"""The OpenAPI document is built once per code and settings, then read from
``RUSTOK_DATA_DIR/cache`` by the other workers and the next starts (issue 15)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import structlog

import rustok.api.docs as docs
from rustok.api.app import RustokApp, bind_platform, build_litestar
from rustok.bootstrap import bootstrap
from rustok.core.settings import Settings
from tests.conftest import make_settings, serve_app


@pytest.fixture
async def fresh_apps() -> AsyncIterator[list[RustokApp]]:
    made: list[RustokApp] = []
    yield made
    for app in made:
        await app.platform.aclose()


def fresh(settings: Settings, made: list[RustokApp]) -> RustokApp:
    """An app as a new worker process builds it: nothing in its state yet."""
    platform = bootstrap(settings)
    app = bind_platform(build_litestar(settings, platform), platform)
    made.append(app)
    return app


async def openapi(app: RustokApp) -> bytes:
    async with serve_app(app) as client:
        response = await client.get("/api/openapi.json")
    assert response.status_code == 200, response.text
    return response.content


def counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    builds: list[str] = []
    build = docs.build_document  # type: ignore[attr-defined]  # patched where it is used

    def counted(app: Any, settings: Settings) -> dict[str, Any]:
        builds.append(settings.tenant_resolution)
        return build(app, settings)

    monkeypatch.setattr(docs, "build_document", counted)
    return builds


async def test_another_worker_reads_the_built_document(
    db_url: str, tmp_path: Path, fresh_apps: list[RustokApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = counting_builds(monkeypatch)
    settings = make_settings(db_url, tmp_path)
    first = await openapi(fresh(settings, fresh_apps))
    assert builds == ["header"]
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [
        f"openapi-{docs.document_key(fresh_apps[0].litestar, settings)}.json"
    ]
    second = await openapi(fresh(settings, fresh_apps))
    assert second == first
    assert builds == ["header"]  # not built again


async def test_other_settings_build_another_document(
    db_url: str, tmp_path: Path, fresh_apps: list[RustokApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = counting_builds(monkeypatch)
    header = await openapi(fresh(make_settings(db_url, tmp_path), fresh_apps))
    path_mode = make_settings(db_url, tmp_path, tenant_resolution="path")
    by_path = await openapi(fresh(path_mode, fresh_apps))
    assert builds == ["header", "path"]
    assert b'"/t/{tenant}"' in by_path
    assert b'"/t/{tenant}"' not in header
    assert len(list((tmp_path / "cache").iterdir())) == 1  # the older document is removed


async def test_changed_code_builds_the_document_again(
    db_url: str, tmp_path: Path, fresh_apps: list[RustokApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    package.mkdir()
    source = package / "handler.py"
    source.write_text("x = 1\n")
    monkeypatch.setattr(docs, "_PACKAGE_DIR", package)
    settings = make_settings(db_url, tmp_path)
    app = fresh(settings, fresh_apps)
    before = docs.document_key(app.litestar, settings)
    assert docs.document_key(app.litestar, settings) == before
    source.write_text("x = 22\n")  # another size: a different file whatever the clock says
    assert docs.document_key(app.litestar, settings) != before


async def test_a_cache_that_cannot_be_written_still_serves_the_document(
    db_url: str, tmp_path: Path, fresh_apps: list[RustokApp]
) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    settings = make_settings(db_url, tmp_path)
    with structlog.testing.capture_logs() as logs:
        body = await openapi(fresh(settings, fresh_apps))
    assert msgspec.json.decode(body)["openapi"].startswith("3.1")
    assert [e["event"] for e in logs if e["log_level"] == "warning"] == [
        "openapi document not cached"
    ]
