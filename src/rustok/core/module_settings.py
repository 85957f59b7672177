"""A module's settings: one struct on ``ModuleSpec.settings``, read from ``RUSTOK_<MODULE>_*``.

A module declares what it can be configured with, its bounds and its meaning in one place::

    class ShopSettings(ModuleSettings, frozen=True, kw_only=True):
        cart_ttl: Annotated[int, msgspec.Meta(ge=0, le=86_400, description="…")] = 3600

Field ``cart_ttl`` of module ``shop`` is then the variable ``RUSTOK_SHOP_CART_TTL`` (or the
settings-file key ``shop_cart_ttl``). The platform's loader (``rustok.core.settings``) reads
it with the platform's variables, by the same rules and with the same one-line errors (exit
2), and the README's table of module settings is generated from the declarations
(:func:`markdown_table`). Variables that predate module settings keep their names
(``unprefixed``); a renamed variable keeps its old name as an alias (``aliases``).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, get_args, get_origin

import msgspec

from rustok.core.setting_values import UNBOUNDED, Bounds, SettingsError, plain

if TYPE_CHECKING:
    from rustok.core.settings import Settings

ENV_PREFIX = "RUSTOK_"


class ModuleSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every module's settings struct; every field has a default."""

    # Fields whose variable is ``RUSTOK_<FIELD>``, the name it had before modules declared
    # their own settings (``RUSTOK_CART_TTL``). New fields never go here.
    unprefixed: ClassVar[frozenset[str]] = frozenset()
    # Old variable names of renamed fields, still accepted: {"RUSTOK_OLD_NAME": "field"}.
    aliases: ClassVar[Mapping[str, str]] = {}

    def check(self, variable: Callable[[str], str], platform: Settings) -> None:
        """Rules spanning fields, the platform's settings (``platform.is_production``) or the
        file system; raise :class:`SettingsError` naming ``variable(field)``. Bounds and
        choices are checked before, from the types."""


@dataclass(frozen=True, slots=True)
class SettingVariable:
    """One environment variable: a field of the platform's settings or of a module's."""

    name: str
    field: str
    type: Any
    module: str | None = None
    bounds: Bounds = UNBOUNDED
    aliases: tuple[str, ...] = ()
    default: Any = None
    description: str = ""
    shown_default: str | None = None


def _meta(annotation: Any) -> tuple[Any, list[msgspec.Meta]]:
    if get_origin(annotation) is Annotated:
        base, *extras = get_args(annotation)
        return base, [m for m in extras if isinstance(m, msgspec.Meta)]
    return annotation, []


def _bounds(metas: Iterable[msgspec.Meta]) -> Bounds:
    low, high = UNBOUNDED
    for meta in metas:
        if meta.ge is not None:
            low = max(low, float(meta.ge))
        if meta.le is not None:
            high = min(high, float(meta.le))
    return low, high


def module_variables(slug: str, kind: type[ModuleSettings]) -> list[SettingVariable]:
    """The variables of module ``slug``'s settings struct, in declaration order."""
    hints = typing.get_type_hints(kind, include_extras=True)
    renamed: dict[str, list[str]] = {}
    for old, field in kind.aliases.items():
        if field not in kind.__struct_fields__:
            raise SettingsError(
                f"module {slug!r}: {kind.__name__}.aliases: {old} names no field ({field!r})"
            )
        renamed.setdefault(field, []).append(old)
    variables = []
    for info in msgspec.structs.fields(kind):
        if info.required:
            raise SettingsError(
                f"module {slug!r}: {kind.__name__}.{info.name}: a module setting needs a default"
            )
        base, metas = _meta(hints[info.name])
        prefix = ENV_PREFIX if info.name in kind.unprefixed else f"{ENV_PREFIX}{slug.upper()}_"
        extra: dict[str, Any] = {}
        for meta in metas:
            extra.update(meta.extra or {})
        default = info.default if info.default_factory is msgspec.NODEFAULT else None
        variables.append(
            SettingVariable(
                name=prefix + info.name.upper(), field=info.name, type=base, module=slug,
                bounds=_bounds(metas), aliases=tuple(renamed.get(info.name, ())),
                default=default, description=" ".join(m.description or "" for m in metas),
                shown_default=extra.get("default"),
            )
        )  # fmt: skip
    return variables


class VariableIndex:
    """Every known variable by name (its own and its old ones); refuses a name twice."""

    def __init__(self, variables: Iterable[SettingVariable]) -> None:
        self.variables = list(variables)
        self._by_name: dict[str, SettingVariable] = {}
        for variable in self.variables:
            for name in (variable.name, *variable.aliases):
                other = self._by_name.setdefault(name, variable)
                if other is not variable:
                    owners = [
                        f"module {v.module!r}" if v.module else "the platform"
                        for v in (other, variable)
                    ]
                    raise SettingsError(
                        f"{name} is declared twice: by {owners[0]} and by {owners[1]}"
                    )

    def get(self, name: str) -> SettingVariable | None:
        return self._by_name.get(name)

    def known(self, name: str) -> bool:
        return name in self._by_name

    def from_environment(self, environ: Mapping[str, str]) -> dict[str, tuple[str, str]]:
        """Values set in ``environ``: {variable name: (name it was given as, value)}."""
        found: dict[str, tuple[str, str]] = {}
        for variable in self.variables:
            given = [(n, environ[n]) for n in (variable.name, *variable.aliases) if n in environ]
            if len({value for _, value in given}) > 1:
                names = " and ".join(n for n, _ in given)
                raise SettingsError(
                    f"{variable.name}: {names} are set to different values; set only "
                    f"{variable.name}"
                )
            if given:
                found[variable.name] = given[0]
        return found


def build_module_settings(
    kind: type[ModuleSettings],
    values: dict[str, Any],
    variables: list[SettingVariable],
    platform: Settings,
) -> ModuleSettings:
    """The module's struct from parsed values, after its own cross-field checks."""
    settings = kind(**values)
    names = {v.field: v.name for v in variables}
    settings.check(lambda field: names[field], platform)
    return settings


def _shown(variable: SettingVariable) -> str:
    if variable.shown_default is not None:
        return variable.shown_default
    default = variable.default
    if default is None or default == ():
        return "—"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, float):
        return f"`{plain(default)}`"
    if isinstance(default, tuple):
        return f"`{','.join(str(item) for item in default)}`"
    return f"`{default}`"


def markdown_table(
    modules: Mapping[str, type[ModuleSettings]], *, module_column: bool = True
) -> str:
    """The modules' settings as a Markdown table, generated from the declarations (without
    the module column: one module's, in its README)."""
    lines = (
        ["| Variable | Module | Default | Meaning |", "|---|---|---|---|"]
        if module_column
        else ["| Variable | Default | Meaning |", "|---|---|---|"]
    )
    for slug in sorted(modules):
        for variable in module_variables(slug, modules[slug]):
            meaning = variable.description
            low, high = variable.bounds
            if (low, high) != UNBOUNDED:
                meaning += f" ({plain(low)}–{plain(high)})"
            if variable.aliases:
                meaning += " Old name: " + ", ".join(f"`{a}`" for a in variable.aliases) + "."
            module = f" {slug} |" if module_column else ""
            lines.append(f"| `{variable.name}` |{module} {_shown(variable)} | {meaning} |")
    return "\n".join(lines) + "\n"
