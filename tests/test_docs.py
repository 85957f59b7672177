"""Generated documentation stays true."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rustok.cli.main import app
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent


def test_routes_document_is_current(tmp_path: Path) -> None:
    result = CliRunner(
        env={"RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_SECRET_KEY": TEST_SECRET}
    ).invoke(app, ["routes", "--markdown"])
    assert result.exit_code == 0, result.stderr
    document = (ROOT / "docs" / "routes.md").read_text()
    assert result.stdout.strip() in document, (
        "regenerate docs/routes.md with `rustok routes --markdown`"
    )
    assert "| POST | `/api/admin/tenants` | `tenants:create` |" in document
