"""A module's settings (``ModuleSpec.settings``): ``RUSTOK_<MODULE>_*`` variables, old names
kept as aliases, checked at start-up with the platform's one-line messages (exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

import msgspec
import pytest

from rustok.core.module_settings import ModuleSettings, markdown_table, module_variables
from rustok.core.setting_values import SettingsError
from rustok.core.settings import Settings, load_settings, unknown_variables

pytestmark = pytest.mark.sql_free


class ShopSettings(ModuleSettings, frozen=True, kw_only=True):
    unprefixed = frozenset({"legacy_ttl"})
    aliases = {"RUSTOK_SHOP_OLD_LIMIT": "limit"}

    limit: Annotated[int, msgspec.Meta(ge=1, le=100, description="items per page")] = 20
    mode: Literal["fast", "safe"] = "safe"
    legacy_ttl: int = 60
    low: int = 0
    high: int = 10

    def check(self, variable: Callable[[str], str], platform: Settings) -> None:
        if self.low > self.high:
            raise SettingsError(f"{variable('low')}: must not exceed {variable('high')}")
        if self.mode == "fast" and platform.is_production:
            raise SettingsError(f"{variable('mode')}: fast is not for production")


MODULES = {"shop": ShopSettings}


def load(tmp_path: Path, env: dict[str, str], **overrides: object) -> Settings:
    base = {"RUSTOK_SECRET_KEY": "s" * 40, "RUSTOK_DATA_DIR": str(tmp_path)}
    return load_settings({**base, **env}, warn=False, modules=MODULES, **overrides)


def test_variables_are_named_after_the_module(tmp_path: Path) -> None:
    assert [v.name for v in module_variables("shop", ShopSettings)] == [
        "RUSTOK_SHOP_LIMIT", "RUSTOK_SHOP_MODE", "RUSTOK_LEGACY_TTL", "RUSTOK_SHOP_LOW",
        "RUSTOK_SHOP_HIGH",
    ]  # fmt: skip
    settings = load(
        tmp_path, {"RUSTOK_SHOP_LIMIT": "50", "RUSTOK_SHOP_MODE": "FAST", "RUSTOK_LEGACY_TTL": "5"}
    )
    assert settings.of(ShopSettings) == ShopSettings(limit=50, mode="fast", legacy_ttl=5)
    assert load(tmp_path, {}).of(ShopSettings) == ShopSettings()
    assert load(tmp_path, {}, shop_limit=7).of(ShopSettings).limit == 7


def test_an_old_name_still_works_and_may_not_disagree(tmp_path: Path) -> None:
    assert load(tmp_path, {"RUSTOK_SHOP_OLD_LIMIT": "30"}).of(ShopSettings).limit == 30
    same = {"RUSTOK_SHOP_OLD_LIMIT": "30", "RUSTOK_SHOP_LIMIT": "30"}
    assert load(tmp_path, same).of(ShopSettings).limit == 30
    with pytest.raises(SettingsError) as info:
        load(tmp_path, {"RUSTOK_SHOP_OLD_LIMIT": "30", "RUSTOK_SHOP_LIMIT": "40"})
    assert str(info.value) == (
        "RUSTOK_SHOP_LIMIT: RUSTOK_SHOP_LIMIT and RUSTOK_SHOP_OLD_LIMIT are set to different "
        "values; set only RUSTOK_SHOP_LIMIT"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RUSTOK_SHOP_LIMIT": "0"},
         "RUSTOK_SHOP_LIMIT: 0 is out of range; allowed values: 1..100"),
        ({"RUSTOK_SHOP_OLD_LIMIT": "many"},
         "RUSTOK_SHOP_OLD_LIMIT: invalid value 'many'; expected an integer"),
        ({"RUSTOK_SHOP_MODE": "reckless"},
         "RUSTOK_SHOP_MODE: invalid value 'reckless'; allowed values: fast, safe"),
        ({"RUSTOK_SHOP_LOW": "11"}, "RUSTOK_SHOP_LOW: must not exceed RUSTOK_SHOP_HIGH"),
        ({"RUSTOK_SHOP_MODE": "fast", "RUSTOK_ENV": "production"},
         "RUSTOK_SHOP_MODE: fast is not for production"),
    ],
)  # fmt: skip
def test_bad_values_name_the_variable_given(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as info:
        load(tmp_path, env)
    assert str(info.value) == message


def test_the_settings_file_knows_module_keys(tmp_path: Path) -> None:
    file = tmp_path / "rustok.toml"
    file.write_text("shop_limit = 9\nlegacy_ttl = 3\nshop_unknown = 1\n")
    settings = load(tmp_path, {"RUSTOK_SETTINGS_FILE": str(file)})
    assert (settings.of(ShopSettings).limit, settings.of(ShopSettings).legacy_ttl) == (9, 3)


def test_module_variables_are_known_only_with_their_module() -> None:
    env = {"RUSTOK_SHOP_LIMIT": "1", "RUSTOK_SHOP_OLD_LIMIT": "1", "RUSTOK_SHOP_OTHER": "1"}
    assert unknown_variables(env, MODULES) == ["RUSTOK_SHOP_OTHER"]
    assert unknown_variables(env) == sorted(env)


def test_settings_of_a_module_not_loaded_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LookupError, match="ShopSettings were not loaded"):
        load_settings({"RUSTOK_DATA_DIR": str(tmp_path)}, warn=False).of(ShopSettings)


def test_declarations_are_checked() -> None:
    class NoDefault(ModuleSettings, frozen=True, kw_only=True):
        size: int

    class BadAlias(ModuleSettings, frozen=True, kw_only=True):
        aliases = {"RUSTOK_X_OLD": "missing"}
        size: int = 1

    class Clash(ModuleSettings, frozen=True, kw_only=True):
        unprefixed = frozenset({"port"})
        port: int = 1

    with pytest.raises(SettingsError, match=r"^module 'x': NoDefault.size: a module setting n"):
        module_variables("x", NoDefault)
    with pytest.raises(SettingsError, match=r"^module 'x': BadAlias.aliases: RUSTOK_X_OLD names"):
        module_variables("x", BadAlias)
    clash = "^RUSTOK_PORT is declared twice: by the platform and by module 'x'$"
    with pytest.raises(SettingsError, match=clash):
        load_settings({}, warn=False, modules={"x": Clash})


def test_the_table_shows_bounds_and_old_names() -> None:
    table = markdown_table(MODULES)
    assert "| `RUSTOK_SHOP_LIMIT` | shop | `20` | items per page (1–100) Old name: " in table
    assert "`RUSTOK_SHOP_OLD_LIMIT`." in table
