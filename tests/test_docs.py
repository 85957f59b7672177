"""Generated documentation stays true, and each module's lives in its own folder.

The modules come from the registry (``BUILTIN_MODULES`` and entry points): nothing here names
one, so a new module is checked without a line added here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rustok.bootstrap import available_modules
from rustok.cli.docs import Section, module_folder, reference_files, stale_files, with_sections
from rustok.cli.main import app
from rustok.core.module_settings import module_variables
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent
ROUTES_DOC = ROOT / "docs" / "routes.md"
ROW = re.compile(r"^\| [A-Z]+ \| `([^`]+)` \|", re.MULTILINE)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Path, str]]:
    """What ``rustok docs`` would write: each document's path → its text."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RUSTOK_DATA_DIR", str(tmp_path_factory.mktemp("docs")))
        env.setenv("RUSTOK_SECRET_KEY", TEST_SECRET)
        env.delenv("RUSTOK_MODULES", raising=False)
        yield reference_files()


def test_platform_routes_document_is_current(generated: dict[Path, str]) -> None:
    document = ROUTES_DOC.read_text()
    assert document == generated[ROUTES_DOC], "regenerate docs/routes.md with `rustok docs`"
    assert "| POST | `/api/admin/tenants` | `tenants:create` | `createTenant` |" in document
    assert "| GET | `/docs` | `public` | HTTP only: Swagger UI (HTML) |" in document


def test_every_module_has_its_generated_readme(generated: dict[Path, str]) -> None:
    found = available_modules()
    readmes = {module_folder(f) / "README.md": f.spec.slug for f in found}
    assert set(readmes) | {ROUTES_DOC} == set(generated)
    stale = [readmes[path] for path in stale_files(generated) if path in readmes]
    assert stale == [], f"regenerate the README of {stale} with `rustok docs`"
    for module in found:
        readme = (module_folder(module) / "README.md").read_text()
        assert readme.startswith(f"# {module.spec.name}")
        if module.spec.settings is not None:
            for variable in module_variables(module.spec.slug, module.spec.settings):
                assert readme.count(f"| `{variable.name}` |") == 1
    commerce = (ROOT / "src" / "rustok" / "modules" / "commerce" / "README.md").read_text()
    assert "| `RUSTOK_CART_TTL` | `2592000` | seconds an open cart may go unchanged" in commerce
    assert "| POST | `/api/store/orders/lookup` | `public` | `guestOrder` |" in commerce


def test_module_reference_is_only_in_the_module_folders(generated: dict[Path, str]) -> None:
    """docs/routes.md and the README hold no module's routes or settings: a new module
    touches neither."""
    module_rows = set()
    for path, text in generated.items():
        if path != ROUTES_DOC:
            module_rows |= set(ROW.findall(text))
    assert module_rows, "the modules serve routes"
    platform_rows = set(ROW.findall(ROUTES_DOC.read_text()))
    assert "/api/admin/tenants" in platform_rows
    assert platform_rows & module_rows == set()
    readme = (ROOT / "README.md").read_text()
    variables = {
        variable.name
        for found in available_modules()
        if found.spec.settings is not None
        for variable in module_variables(found.spec.slug, found.spec.settings)
    }
    in_tables = {v for v in variables if f"| `{v}` |" in readme}
    assert variables and in_tables == set()


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    from rustok.core.settings import platform_variables

    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Architecture")]
    missing = [
        variable.name
        for variable in platform_variables()
        if f"`{variable.name}`" not in table
        and not (variable.field.startswith("smtp_") and f"`_{variable.field[5:].upper()}`" in table)
    ]
    assert missing == []


def test_a_generated_section_is_replaced_and_the_text_around_it_kept() -> None:
    routes = Section("routes", "Routes", "| new |\n")
    settings = Section("settings", "Settings", "None.\n")
    text = f"# M\n\nBy hand.\n\n{routes.start}| old |\n{routes.end}\n\nAfter.\n"
    assert with_sections(text, [routes, settings]) == (
        f"# M\n\nBy hand.\n\n{routes.start}| new |\n{routes.end}\n\nAfter.\n\n"
        f"## Settings\n\n{settings.start}None.\n{settings.end}\n"
    )
    current = with_sections(text, [routes, settings])
    assert with_sections(current, [routes, settings]) == current


def test_docs_check_names_a_stale_readme(tmp_path: Path) -> None:
    current, stale, missing = tmp_path / "a.md", tmp_path / "b.md", tmp_path / "c.md"
    current.write_text("same\n")
    stale.write_text("old\n")
    assert stale_files({current: "same\n", stale: "new\n", missing: "new\n"}) == [stale, missing]


def test_routes_and_settings_refuse_an_unknown_module(tmp_path: Path) -> None:
    runner = CliRunner(env={"RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_SECRET_KEY": TEST_SECRET})
    for args in (["routes", "--module", "nope"], ["settings", "--module", "nope"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert "no module 'nope'; the available modules are " in result.stderr
    both = runner.invoke(app, ["routes", "--module", "blog", "--platform"])
    assert both.exit_code == 2
    assert "--module and --platform exclude each other" in both.stderr
    docs = runner.invoke(app, ["docs", "--check", "--module", "nope"])
    assert docs.exit_code == 2


def test_one_module_tables_are_its_readme_sections(tmp_path: Path) -> None:
    runner = CliRunner(env={"RUSTOK_DATA_DIR": str(tmp_path), "RUSTOK_SECRET_KEY": TEST_SECRET})
    platform = runner.invoke(app, ["routes", "--markdown", "--platform"])
    assert platform.exit_code == 0, platform.stderr
    assert platform.stdout.startswith("| Method | Path | Permission | GraphQL |\n")
    assert platform.stdout in ROUTES_DOC.read_text()
    serving = next(found for found in available_modules() if found.spec.route_handlers)
    routes = runner.invoke(app, ["routes", "--markdown", "--module", serving.spec.slug])
    assert routes.exit_code == 0, routes.stderr
    assert routes.stdout in (module_folder(serving) / "README.md").read_text()
    for found in available_modules():
        if found.spec.settings is None:
            continue
        slug = found.spec.slug
        readme = (module_folder(found) / "README.md").read_text()
        settings = runner.invoke(app, ["settings", "--markdown", "--module", slug])
        assert settings.exit_code == 0, settings.stderr
        assert settings.stdout.startswith("| Variable | Default | Meaning |\n")
        assert settings.stdout in readme
