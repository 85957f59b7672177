"""Modules found by entry point next to the built-in list, their permissions merged into the
catalogue and their commands into ``rustok``'s: every clash is refused with a clear message."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import rustok.bootstrap
from rustok.cli.main import app
from rustok.core.module import ModuleSpec
from rustok.core.registry import BUILT_IN, FoundModule, discover_modules
from rustok.core.settings import SettingsError
from rustok.modules import BUILTIN_MODULES
from rustok.rbac.catalogue import build_catalogue
from rustok.rbac.declare import check_declared, undeclared

pytestmark = pytest.mark.sql_free
BLOG = "rustok.modules.blog.module:MODULE"


def entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group="rustok.modules")


def test_entry_points_join_the_built_in_modules() -> None:
    builtin = [p for p in BUILTIN_MODULES if p != BLOG]
    found = discover_modules(builtin, [entry("blog", BLOG)])
    assert [m.spec.slug for m in found][-1] == "blog"
    assert found[-1].source == "an unknown distribution" and found[0].source == BUILT_IN
    assert found[-1].package == "rustok.modules.blog"


def test_an_entry_point_must_be_named_after_its_module() -> None:
    with pytest.raises(SettingsError) as info:
        discover_modules([], [entry("weblog", BLOG)])
    assert str(info.value) == (
        "rustok.modules entry point 'weblog' of an unknown distribution names module 'blog': "
        "the entry point must be named after the module's slug"
    )


def test_a_broken_entry_point_is_named() -> None:
    with pytest.raises(SettingsError) as info:
        discover_modules([], [entry("gone", "rustok_gone.module:MODULE")])
    assert str(info.value) == (
        "rustok.modules entry point 'gone' of an unknown distribution: cannot load "
        "rustok_gone.module:MODULE: ModuleNotFoundError: No module named 'rustok_gone'"
    )
    with pytest.raises(SettingsError, match=r"cannot load rustok.modules:BUILTIN_MODULES: "):
        discover_modules([], [entry("odd", "rustok.modules:BUILTIN_MODULES")])


def test_a_module_provided_twice_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"^module 'blog' is provided twice: by built-in"):
        discover_modules([BLOG], [entry("blog", BLOG)])


def spec(**fields: object) -> ModuleSpec:
    return ModuleSpec(slug="shop", name="Shop", description="d", version="1", **fields)  # type: ignore[arg-type]


def test_module_resources_and_grants_join_the_catalogue() -> None:
    shop = spec(resources=("coupons",), grants={"customer": ("coupons:read:own", "coupons:read")})
    catalogue = build_catalogue([shop])
    assert "coupons" in catalogue.resources and ("coupons", "export") in catalogue.pairs()
    assert ("coupons", "read", "all") in catalogue.grants["customer"]
    assert ("coupons", "read", "own") not in catalogue.grants["customer"]  # all wins
    assert ("coupons", "manage", "all") in catalogue.grants["super_admin"]
    assert check_declared("coupons:list", catalogue) == "coupons:list"
    assert undeclared(["coupons:list", "vouchers:read", "authenticated"], catalogue) == [
        "vouchers:read"
    ]
    assert "coupons" not in build_catalogue([]).resources


@pytest.mark.parametrize(
    ("grants", "message"),
    [
        ({"owner": ("coupons:read",)}, "shop: grants to unknown role 'owner'"),
        ({"admin": ("vouchers:read",)},
         "shop: grant 'vouchers:read' names a resource or action that neither the platform"),
    ],
)  # fmt: skip
def test_bad_grants_are_refused(grants: dict[str, tuple[str, ...]], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        build_catalogue([spec(resources=("coupons",), grants=grants)])


def test_bad_declarations_are_refused_by_the_spec() -> None:
    with pytest.raises(ValueError, match=r"shop: bad resource name 'Coupons'"):
        spec(resources=("Coupons",))
    with pytest.raises(ValueError, match=r"shop: bad grant 'coupons' for admin"):
        spec(grants={"admin": ("coupons",)})
    with pytest.raises(ValueError, match=r"shop: migrations folder /nowhere does not exist"):
        spec(migrations=Path("/nowhere"))


def with_cli(cli: typer.Typer) -> list[FoundModule]:
    return [FoundModule("shop.module:MODULE", spec(cli=cli), "rustok-shop 1")]


def test_module_commands_join_rustok(monkeypatch: pytest.MonkeyPatch) -> None:
    cli = typer.Typer()

    @cli.command("hello")
    def hello(ctx: typer.Context) -> None:
        typer.echo(f"hello from the shop ({type(ctx.obj).__name__})")

    monkeypatch.setattr(rustok.bootstrap, "available_modules", lambda: with_cli(cli))
    result = CliRunner().invoke(app, ["hello"])
    assert (result.exit_code, result.stdout) == (0, "hello from the shop (CliKit)\n")
    assert "hello" in CliRunner().invoke(app, ["--help"]).stdout


def test_a_module_command_may_not_take_a_platform_name(monkeypatch: pytest.MonkeyPatch) -> None:
    cli = typer.Typer()

    @cli.command("migrate")
    def migrate() -> None:
        raise AssertionError("never runs")

    @cli.command("other")
    def other() -> None:
        raise AssertionError("never runs")

    monkeypatch.setattr(rustok.bootstrap, "available_modules", lambda: with_cli(cli))
    result = CliRunner().invoke(app, ["other"])
    assert result.exit_code == 2
    assert "error: module command 'migrate' is one of the platform's" in result.stderr
