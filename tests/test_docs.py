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


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    from rustok.core.settings import Settings, env_name

    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Architecture")]
    missing = [
        env_name(field)
        for field in Settings.__struct_fields__
        if f"`{env_name(field)}`" not in table
        and not (field.startswith("smtp_") and f"`_{field[5:].upper()}`" in table)
    ]
    assert missing == []
